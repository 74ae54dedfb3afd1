import { describeScope } from 'spendlens/internal'
import {
  type AlertMessageType,
  ANOMALY_KIND_LABELS,
  type Anomaly,
  type AnomalyKind,
  type BudgetAlert,
  type SpendReport,
} from '../api/api-types.js'

export type { AlertMessageType }

/**
 * One message to one channel about anomalies: one opened, several gathered into a group, some
 * resolved, or an admin's test of the channel (`alert.test`, no anomalies). Its anomalies are in the
 * order it lists them, most money at stake first.
 */
export interface AnomalyMessage {
  type: Exclude<AlertMessageType, `budget.${string}` | `report.${string}`>
  anomalies: Anomaly[]
}

/** One message to one channel about a budget: a threshold reached, or a forecast that it runs out. */
export interface BudgetMessage {
  type: Extract<AlertMessageType, `budget.${string}`>
  budget: BudgetAlert
}

/** The weekly digest (report/weekly-digest.ts): last week's spend report of a project. */
export interface ReportMessage {
  type: Extract<AlertMessageType, `report.${string}`>
  /** `digest:<week start, ISO>`: what the delivery log remembers it by. */
  id: string
  report: SpendReport
}

/**
 * What every renderer (Slack, webhook, email) takes, and nothing else, so that all channels say
 * the same thing.
 */
export type AlertMessage = AnomalyMessage | BudgetMessage | ReportMessage

export function isBudgetMessage(message: AlertMessage): message is BudgetMessage {
  return 'budget' in message
}

export function isReportMessage(message: AlertMessage): message is ReportMessage {
  return 'report' in message
}

/** What the delivery log records a message was about: its anomalies' ids, the budget alert's, the digest's. */
export function subjectIds(message: AlertMessage): string[] {
  if (isReportMessage(message)) return [message.id]
  return isBudgetMessage(message) ? [message.budget.id] : message.anomalies.map((anomaly) => anomaly.id)
}

/** The webhook's JSON body: the message's type and what it is about, whole. */
export function webhookBody(message: AlertMessage): Record<string, unknown> {
  if (isReportMessage(message)) return { type: message.type, id: message.id, report: message.report }
  return isBudgetMessage(message)
    ? { type: message.type, budget: message.budget }
    : { type: message.type, anomalies: message.anomalies }
}

/** What every renderer is given besides the message. */
export interface RenderOptions {
  /** The dashboard's address; without one, messages carry no links. */
  dashboardUrl?: string
  /** The project the anomalies are of, for the link and the wording. */
  project?: string
  /** How many anomalies a group lists before "and K more" (webhook bodies always carry all). */
  maxListed?: number
}

export const DEFAULT_MAX_LISTED = 10

export function kindLabel(kind: AnomalyKind): string {
  return ANOMALY_KIND_LABELS[kind] ?? kind
}

/** `feature search`, `customer_id acme`, or `all traffic`. */
export function scopeLabel(scope: Anomaly['scope']): string {
  return scope ? `${scope.dimension} ${scope.value}` : 'all traffic'
}

/** `Spend spike · feature search`: what a person needs to know to decide whether to look. */
export function headline(anomaly: Anomaly): string {
  return `${kindLabel(anomaly.kind)} · ${scopeLabel(anomaly.scope)}`
}

/** Dollars for a person: cents, or more digits below a cent so that a small amount is not shown as $0.00. */
export function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return 'unknown'
  const digits = value !== 0 && Math.abs(value) < 0.01 ? 4 : 2
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`
}

/** `cost_usd 120.5 vs 30.2 expected (4.0×)`. */
export function observedVsExpected(anomaly: Anomaly): string {
  const ratio =
    anomaly.expected > 0 && Number.isFinite(anomaly.observed)
      ? ` (${(anomaly.observed / anomaly.expected).toFixed(1)}×)`
      : ''
  return `${anomaly.measure} ${formatNumber(anomaly.observed)} vs ${formatNumber(anomaly.expected)} expected${ratio}`
}

function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) < 1 ? 4 : 2 })
}

/** Money at stake over the message's anomalies. */
export function totalAtStake(message: AnomalyMessage): number {
  return message.anomalies.reduce((sum, anomaly) => sum + (anomaly.money_at_stake_usd || 0), 0)
}

/** The message's title: a headline, a count, what resolved, or the budget and what happened to it. */
export function messageTitle(message: AlertMessage): string {
  if (isBudgetMessage(message)) return budgetHeadline(message.budget)
  if (isReportMessage(message)) return digestHeadline(message.report)
  if (message.type === 'alert.test') return 'Test message'
  const [first] = message.anomalies
  const count = message.anomalies.length
  if (message.type === 'anomaly.resolved')
    return count === 1 && first ? `Resolved: ${headline(first)}` : `Resolved: ${count} anomalies`
  if (message.type === 'anomaly.opened' && first) return headline(first)
  return `${count} anomalies, ${formatUsd(totalAtStake(message))} at stake`
}

/** What a test message says, so that whoever reads it knows that nothing is wrong. */
export function testMessageText(options: RenderOptions): string {
  return `A test of this channel from spendlens${options.project ? ` (project ${options.project})` : ''}: alerts about anomalies will arrive here. Nothing is wrong; an admin sent this to check the channel.`
}

/** The anomalies a rendered message lists, and how many it leaves to "and K more". */
export function listed(message: AnomalyMessage, options: RenderOptions): { shown: Anomaly[]; more: number } {
  const limit = Math.max(1, options.maxListed ?? DEFAULT_MAX_LISTED)
  return { shown: message.anomalies.slice(0, limit), more: Math.max(0, message.anomalies.length - limit) }
}

/** `Budget acme: 80% spent` or `Budget acme runs out before it resets`. */
export function budgetHeadline(alert: BudgetAlert): string {
  if (alert.kind === 'budget_forecast') return `Budget ${alert.budget_name} runs out before it resets`
  return `Budget ${alert.budget_name}: ${Math.round((alert.threshold ?? alert.used) * 100)}% spent`
}

/** `$812.40 of $1,000.00 (81%)`. */
export function budgetSpent(alert: BudgetAlert): string {
  return `${formatUsd(alert.spent_usd)} of ${formatUsd(alert.amount_usd)} (${Math.round(alert.used * 100)}%)`
}

/** `customer_id = acme, feature in (chat, search)`, as the SDK's BudgetExceededError says it. */
export function budgetScope(alert: BudgetAlert): string {
  return describeScope(alert.filters)
}

/** `monthly, resets 2026-12-01T00:00:00.000Z; blocks calls when spent`. */
export function budgetTerms(alert: BudgetAlert): string {
  const period = { day: 'daily', week: 'weekly', month: 'monthly' }[alert.period]
  const action = alert.action === 'block' ? 'blocks calls when spent' : 'alerts only'
  return `${period} (${alert.time_zone}), resets ${alert.resets_at}; ${action}`
}

/** `Weekly spend: $1,234.56 (+12.0% on the week before)`. */
export function digestHeadline(report: SpendReport): string {
  const cost = report.totals.cost_usd === null ? 'no priced calls' : formatUsd(report.totals.cost_usd)
  const ratio = report.change.cost_ratio
  const change =
    ratio === null
      ? ''
      : ` (${ratio >= 0 ? '+' : '−'}${Math.abs(ratio * 100).toFixed(1)}% on the week before)`
  return `Weekly spend: ${cost}${change}`
}
