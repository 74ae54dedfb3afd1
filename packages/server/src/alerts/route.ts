import { z } from 'zod'
import {
  ANOMALY_KINDS,
  type Anomaly,
  type AnomalySeverity,
  BUDGET_ALERT_KINDS,
  type BudgetAlert,
  isDimension,
} from '../api/api-types.js'
import { CHANNEL_ID_SCHEMA } from './channel-config.js'

/** Severities in rising order: a rule's `minSeverity` takes that one and those after it. */
const SEVERITY_RANK: Record<AnomalySeverity, number> = { low: 0, medium: 1, high: 2 }

/**
 * Which anomalies go to which channels. Every condition a rule states must hold (AND); the values
 * of one condition are alternatives (OR); an absent condition matches everything. Rules do not
 * stop at the first match: an anomaly goes to the channels of every rule it matches, once each,
 * so "customer anomalies to #sales-eng" and "anything over $100 to on-call" can both fire.
 *
 * @example { channels: ['sales-eng'], dimensions: ['customer_id'] }
 * @example { channels: ['on-call'], minMoneyUsd: 100, minSeverity: 'medium' }
 */
export const ALERT_RULE_SCHEMA = z.object({
  channels: z.array(CHANNEL_ID_SCHEMA).min(1),
  /** Anomaly kinds, and `budget_threshold` / `budget_forecast` for budget alerts. */
  kinds: z
    .array(z.enum([...ANOMALY_KINDS, ...BUDGET_ALERT_KINDS]))
    .min(1)
    .optional(),
  /** Scope dimensions (`feature`, `customer_id`, `tags.plan`); `all` for anomalies of the whole project. */
  dimensions: z
    .array(
      z
        .string()
        .refine((value) => value === 'all' || isDimension(value), { message: 'a dimension or `all`' }),
    )
    .min(1)
    .optional(),
  minMoneyUsd: z.number().nonnegative().optional(),
  minSeverity: z.enum(['low', 'medium', 'high']).optional(),
})

export type AlertRule = z.output<typeof ALERT_RULE_SCHEMA>

/** What a rule reads of whatever an alert is about: an anomaly, or a budget alert. */
export interface AlertSubject {
  kind: NonNullable<AlertRule['kinds']>[number]
  /** The scope's dimensions; `all` for the whole project. */
  dimensions: readonly string[]
  moneyUsd: number
  severity: AnomalySeverity
}

export function anomalySubject(anomaly: Anomaly): AlertSubject {
  return {
    kind: anomaly.kind,
    dimensions: [anomaly.scope?.dimension ?? 'all'],
    moneyUsd: anomaly.money_at_stake_usd,
    severity: anomaly.severity,
  }
}

/**
 * A budget alert as rules see it: its filters' dimensions (`all` for a budget of the whole
 * project), the budget's amount as its money, and a severity by how far it has gone: the amount
 * reached is `high`, 80% of it or a forecast that it runs out `medium`, less `low`.
 */
export function budgetSubject(alert: BudgetAlert): AlertSubject {
  const dimensions = [...new Set(alert.filters.map((filter) => filter.dimension as string))]
  const reached = alert.threshold ?? 0
  return {
    kind: alert.kind,
    dimensions: dimensions.length > 0 ? dimensions : ['all'],
    moneyUsd: alert.amount_usd,
    severity:
      alert.kind === 'budget_forecast' ? 'medium' : reached >= 1 ? 'high' : reached >= 0.8 ? 'medium' : 'low',
  }
}

/** Whether `subject` meets every condition of `rule` (a rule's dimensions match any of the subject's). */
export function ruleMatches(rule: AlertRule, subject: AlertSubject): boolean {
  if (rule.kinds && !rule.kinds.includes(subject.kind)) return false
  if (
    rule.dimensions &&
    !subject.dimensions.some((dimension) => (rule.dimensions as readonly string[]).includes(dimension))
  )
    return false
  if (rule.minMoneyUsd !== undefined && !(subject.moneyUsd >= rule.minMoneyUsd)) return false
  if (rule.minSeverity && SEVERITY_RANK[subject.severity] < SEVERITY_RANK[rule.minSeverity]) return false
  return true
}

/** The channels of every rule `subject` matches, each once. */
export function channelsFor(subject: AlertSubject, rules: readonly AlertRule[]): Set<string> {
  return new Set(rules.filter((rule) => ruleMatches(rule, subject)).flatMap((rule) => rule.channels))
}

/**
 * The anomalies each channel is to hear about, keeping the anomalies' order; channels no rule
 * sends anything to are absent. An anomaly reaches a channel once even when several rules name it.
 */
export function route(anomalies: readonly Anomaly[], rules: readonly AlertRule[]): Map<string, Anomaly[]> {
  const routed = new Map<string, Anomaly[]>()
  for (const anomaly of anomalies) {
    for (const channel of channelsFor(anomalySubject(anomaly), rules)) {
      const list = routed.get(channel)
      if (list) list.push(anomaly)
      else routed.set(channel, [anomaly])
    }
  }
  return routed
}
