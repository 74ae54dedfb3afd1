// Which anomalies a view shows, and in what order: those of its time range, about the traffic its
// filters keep, open ones first. The Anomalies view lists them; the cost charts mark them.

import type { Anomaly, AnomalyState, Filter } from '@spendlens/server/api-types'
import type { TimeRange } from './time-range'

/** The state filter of the Anomalies view (`state=` in the URL). */
export const ANOMALY_STATE_FILTERS = [
  { key: 'all', label: 'All' },
  { key: 'open', label: 'Open' },
  { key: 'acknowledged', label: 'Acknowledged' },
  { key: 'resolved', label: 'Resolved' },
  { key: 'muted', label: 'Muted' },
] as const satisfies readonly { key: AnomalyState | 'all'; label: string }[]

export type AnomalyStateFilter = (typeof ANOMALY_STATE_FILTERS)[number]['key']

/** Still going on, or being looked at: what a person should see first. */
function isCurrent(anomaly: Anomaly): boolean {
  return anomaly.state === 'open' || anomaly.state === 'acknowledged'
}

/**
 * Open and acknowledged anomalies first (as GET /api/anomalies orders them), then by money at
 * stake, largest first; of equal money, the latest first.
 */
export function compareAnomalies(left: Anomaly, right: Anomaly): number {
  return (
    Number(isCurrent(right)) - Number(isCurrent(left)) ||
    right.money_at_stake_usd - left.money_at_stake_usd ||
    Date.parse(right.start) - Date.parse(left.start)
  )
}

/** Whether an anomaly's hours (`end` exclusive) overlap a range; an unbounded end is open. */
export function overlapsRange(anomaly: Anomaly, range: TimeRange): boolean {
  const start = Date.parse(anomaly.start)
  const end = Date.parse(anomaly.end)
  if (range.to && start >= range.to.getTime()) return false
  if (range.from && end <= range.from.getTime()) return false
  return true
}

/**
 * Whether an anomaly is about the traffic `filters` keep, so that it belongs on a chart of it.
 * An anomaly of one value (`feature chat`) is measured over that value's whole traffic: it belongs
 * where the filters keep that value (no filter on feature, or one that lets `chat` through) and
 * narrow nothing else (under `customer acme` the chat spike may not be acme's). An anomaly of the
 * whole project belongs only where nothing is narrowed. Exclusions of another dimension
 * (`environment` not `staging`) leave most of the traffic in, and the anomaly with it.
 */
export function isRelevantToFilters(anomaly: Anomaly, filters: readonly Filter[]): boolean {
  const { scope } = anomaly
  return filters.every((filter) => {
    if (scope && filter.dimension === scope.dimension) {
      const named = filter.values.includes(scope.value)
      return filter.op === 'not_in' ? !named : named
    }
    return filter.op === 'not_in'
  })
}

/** The `since` GET /api/anomalies is asked with: the UTC day the range starts in (none for "All"). */
export function anomaliesSince(range: TimeRange): string | undefined {
  return range.from?.toISOString().slice(0, 10)
}

export interface AnomalySelection {
  range: TimeRange
  filters: readonly Filter[]
  state: AnomalyStateFilter
}

/** The anomalies of a range and filters in one state, in the order {@link compareAnomalies}. */
export function selectAnomalies(anomalies: readonly Anomaly[], selection: AnomalySelection): Anomaly[] {
  return anomalies
    .filter((anomaly) => selection.state === 'all' || anomaly.state === selection.state)
    .filter((anomaly) => overlapsRange(anomaly, selection.range))
    .filter((anomaly) => isRelevantToFilters(anomaly, selection.filters))
    .sort(compareAnomalies)
}

/** How many anomalies there are in each state, and in all. */
export function countByState(anomalies: readonly Anomaly[]): Record<AnomalyStateFilter, number> {
  const counts: Record<AnomalyStateFilter, number> = {
    all: anomalies.length,
    open: 0,
    acknowledged: 0,
    resolved: 0,
    muted: 0,
  }
  for (const anomaly of anomalies) counts[anomaly.state]++
  return counts
}
