import type { Anomaly } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import { QueryBody } from '../../components/panel'
import { useDashboard } from '../../hooks/dashboard-context'
import { useAnomalies } from '../../hooks/use-anomalies'
import { ANOMALY_LIMIT } from '../../lib/anomalies-api'
import { overlapsRange, selectAnomalies } from '../../lib/anomaly-list'
import { formatUsd } from '../../lib/format'
import { sumUsd } from '../../lib/series'
import { AlertDeliveriesPanel } from './alert-deliveries-panel'
import { AnomaliesEmptyState } from './anomalies-empty-state'
import { AnomalyTablePanel } from './anomaly-table-panel'
import { AnomalyTimelinePanel } from './anomaly-timeline-panel'

/**
 * Is this spend normal (docs/anomalies.md): the anomalies the server's detectors found over the
 * time controls' range, about the traffic the filters keep, with what they put at stake; and the
 * alert messages sent about them. One GET /api/anomalies, shared with the charts' markers.
 */
export function AnomaliesView() {
  const list = useAnomalies()
  return (
    <QueryBody state={list} what="the anomalies">
      {(anomalies) => <AnomaliesOfRange anomalies={anomalies} />}
    </QueryBody>
  )
}

function AnomaliesOfRange({ anomalies }: { anomalies: readonly Anomaly[] }) {
  const { scope, view } = useDashboard()
  const { range, filters } = scope
  const inRange = useMemo(
    () => anomalies.filter((anomaly) => overlapsRange(anomaly, range)),
    [anomalies, range],
  )
  const relevant = useMemo(
    () => selectAnomalies(anomalies, { range, filters, state: 'all' }),
    [anomalies, range, filters],
  )
  const shown = useMemo(
    () => selectAnomalies(anomalies, { range, filters, state: view.anomalyState }),
    [anomalies, range, filters, view.anomalyState],
  )
  if (inRange.length === 0)
    return (
      <div className="grid">
        <AnomaliesEmptyState />
        <AlertDeliveriesPanel />
      </div>
    )
  return (
    <>
      <AnomaliesHeadline anomalies={relevant} truncated={anomalies.length >= ANOMALY_LIMIT} />
      <div className="grid">
        <AnomalyTimelinePanel anomalies={shown} />
        <AnomalyTablePanel anomalies={relevant} shown={shown} />
        <AlertDeliveriesPanel />
      </div>
    </>
  )
}

/** "2 anomalies going on, $120.50 at stake; 5 over in this range." */
function AnomaliesHeadline({ anomalies, truncated }: { anomalies: readonly Anomaly[]; truncated: boolean }) {
  const current = anomalies.filter((anomaly) => anomaly.state === 'open' || anomaly.state === 'acknowledged')
  const atStake = sumUsd(current.map((anomaly) => anomaly.money_at_stake_usd))
  const over = anomalies.length - current.length
  const plural = (count: number) => (count === 1 ? 'anomaly' : 'anomalies')
  const going =
    current.length === 0
      ? 'Nothing going on now'
      : `${current.length} ${plural(current.length)} going on, ${formatUsd(atStake)} at stake`
  return (
    <p className="callout anomalies-headline" data-testid="anomalies-headline">
      {going}
      {over > 0 ? `; ${over} over or muted in this range` : ''}.
      {truncated ? ` The server answered its first ${ANOMALY_LIMIT}: narrow the range to see the rest.` : ''}
    </p>
  )
}
