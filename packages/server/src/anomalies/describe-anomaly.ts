import type { AnomalyRecord } from '../schema/anomalies-table.js'

const dollars = (usd: number) =>
  `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
const hour = (ms: number) => `${new Date(ms).toISOString().slice(0, 13).replace('T', ' ')}:00 UTC`
const count = (value: number) => Math.round(value).toLocaleString('en-US')
const times = (observed: number, expected: number) =>
  expected > 0 ? `${(observed / expected).toFixed(1)}×` : 'far above'

/** An anomaly in one sentence, as alerts and the dashboard say it. */
export function describeAnomaly(anomaly: AnomalyRecord): string {
  const scope = `${anomaly.scopeDimension.replace('_id', '')} ${anomaly.scopeValue}`
  const hours = Math.round((anomaly.end - anomaly.start) / 3_600_000)
  const since = `since ${hour(anomaly.start)}${hours > 1 ? ` (${hours} hours)` : ''}`
  const stake = dollars(anomaly.moneyAtStakeNanos / 1e9)
  switch (anomaly.kind) {
    case 'spend_spike':
      return `${scope} spent ${dollars(anomaly.observed)} in its peak hour, ${times(anomaly.observed, anomaly.expected)} the ${dollars(anomaly.expected)} usual for that hour of the week, ${since}: ${stake} above normal.`
    case 'customer_hour':
      return `${scope} spent ${dollars(anomaly.observed)} in an hour, ${times(anomaly.observed, anomaly.expected)} its own average hour of ${dollars(anomaly.expected)}, ${since}: ${stake} above normal.`
    case 'request_outlier':
      return `one request of ${scope} used ${count(anomaly.observed)} tokens, ${times(anomaly.observed, anomaly.expected)} its average of ${count(anomaly.expected)}, ${since}: ${stake} above its average request.`
    case 'duplicated_job':
      return `${scope}, a scheduled job, made ${count(anomaly.observed)} calls in a day where it usually makes ${count(anomaly.expected)} (${times(anomaly.observed, anomaly.expected)}: running more often than its schedule), ${since}: ${stake} above its usual day.`
    case 'prompt_drift':
      return anomaly.measure === 'avg_input_tokens'
        ? `${scope}'s requests grew to ${count(anomaly.observed)} input tokens on average, ${times(anomaly.observed, anomaly.expected)} the ${count(anomaly.expected)} of the week before, and stayed there ${since}: ${stake} above its former cost per request.`
        : `${scope}'s cost per request stepped up to ${dollars(anomaly.observed)}, ${times(anomaly.observed, anomaly.expected)} the ${dollars(anomaly.expected)} of the week before, and stayed there ${since}: ${stake} above its former cost.`
    case 'off_hours':
      return `${scope} made ${anomaly.observed} calls in an hour when it is normally silent, ${since}: ${stake} spent.`
    case 'error_storm':
      return `${(anomaly.observed * 100).toFixed(0)}% of ${scope}'s calls failed (usually ${(anomaly.expected * 100).toFixed(1)}%), ${since}: ${stake} above its usual hour.`
    case 'new_model':
      return `${scope} was called for the first time in four weeks ${since}: ${stake} spent.`
    case 'unpriced_model':
      return `${scope} has calls of unknown price ${since}: spendlens has no price for it, so its spend is not counted.`
    default:
      return `${anomaly.kind} on ${scope} ${since}: ${stake} at stake.`
  }
}
