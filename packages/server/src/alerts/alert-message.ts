import {
  type AlertMessageType,
  ANOMALY_KIND_LABELS,
  type Anomaly,
  type AnomalyKind,
} from '../api/api-types.js'

export type { AlertMessageType }

/**
 * One message to one channel: one anomaly opened, several gathered into a group, some resolved, or
 * an admin's test of the channel (`alert.test`, no anomalies). Its anomalies are in the order it
 * lists them, most money at stake first. Every renderer (Slack, webhook, email) takes this and
 * nothing else, so all channels say the same thing.
 */
export interface AlertMessage {
  type: AlertMessageType
  anomalies: Anomaly[]
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
export function totalAtStake(message: AlertMessage): number {
  return message.anomalies.reduce((sum, anomaly) => sum + (anomaly.money_at_stake_usd || 0), 0)
}

/** The message's title: a headline, a count, or what resolved. */
export function messageTitle(message: AlertMessage): string {
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
export function listed(message: AlertMessage, options: RenderOptions): { shown: Anomaly[]; more: number } {
  const limit = Math.max(1, options.maxListed ?? DEFAULT_MAX_LISTED)
  return { shown: message.anomalies.slice(0, limit), more: Math.max(0, message.anomalies.length - limit) }
}
