import { z } from 'zod'
import { ANOMALY_KINDS, type Anomaly, type AnomalySeverity, isDimension } from '../api/api-types.js'
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
  kinds: z.array(z.enum(ANOMALY_KINDS)).min(1).optional(),
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

/** Whether `anomaly` meets every condition of `rule`. */
export function ruleMatches(rule: AlertRule, anomaly: Anomaly): boolean {
  if (rule.kinds && !rule.kinds.includes(anomaly.kind)) return false
  if (rule.dimensions && !(rule.dimensions as readonly string[]).includes(anomaly.scope?.dimension ?? 'all'))
    return false
  if (rule.minMoneyUsd !== undefined && !(anomaly.money_at_stake_usd >= rule.minMoneyUsd)) return false
  if (rule.minSeverity && SEVERITY_RANK[anomaly.severity] < SEVERITY_RANK[rule.minSeverity]) return false
  return true
}

/**
 * The anomalies each channel is to hear about, keeping the anomalies' order; channels no rule
 * sends anything to are absent. An anomaly reaches a channel once even when several rules name it.
 */
export function route(anomalies: readonly Anomaly[], rules: readonly AlertRule[]): Map<string, Anomaly[]> {
  const routed = new Map<string, Anomaly[]>()
  for (const anomaly of anomalies) {
    const channels = new Set(
      rules.filter((rule) => ruleMatches(rule, anomaly)).flatMap((rule) => rule.channels),
    )
    for (const channel of channels) {
      const list = routed.get(channel)
      if (list) list.push(anomaly)
      else routed.set(channel, [anomaly])
    }
  }
  return routed
}
