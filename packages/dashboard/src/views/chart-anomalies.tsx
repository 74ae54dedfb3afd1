import type { MouseEvent } from 'react'
import type { ChartMarker } from '../charts/anomaly-markers'
import { useDashboard } from '../hooks/dashboard-context'
import { isPlainClick, viewHref } from '../hooks/use-view-state'
import { formatUsd } from '../lib/format'
import type { ViewState } from '../lib/view-state'

export interface ChartAnomaliesProps {
  /** The anomalies the chart shades. */
  markers: readonly ChartMarker[]
  /** How many anomalies of the range and filters there are (more than the chart shades at most). */
  total: number
  error: Error | null
  /** The chart's test id: this line's is `<testId>-anomalies`. */
  testId: string
}

/**
 * Under a chart: the anomalies its shaded areas stand for, in words (a canvas says nothing to a
 * screen reader), with a link to the Anomalies view; or, when they could not be loaded, that the
 * chart is drawn without them.
 */
export function ChartAnomalies({ markers, total, error, testId }: ChartAnomaliesProps) {
  const { view, setView } = useDashboard()
  if (error)
    return (
      <p className="chart-anomalies muted" data-testid={`${testId}-anomalies-error`}>
        Anomalies are not marked on this chart: {error.message}
      </p>
    )
  if (markers.length === 0) return null
  const next: ViewState = { ...view, view: 'anomalies', customer: undefined }
  return (
    <p className="chart-anomalies" data-testid={`${testId}-anomalies`}>
      <span className="chart-anomalies-key" aria-hidden="true" />
      {markers.length < total
        ? `Shaded: the ${markers.length} of ${total} anomalies with most at stake: `
        : 'Shaded: '}
      {markers.map((marker, index) => (
        <span key={marker.id} data-anomaly-id={marker.id} title={marker.summary}>
          {index > 0 ? ', ' : ''}
          {marker.kind} ({formatUsd(marker.moneyAtStakeUsd)})
          <span className="visually-hidden">: {marker.summary}</span>
        </span>
      ))}
      {' · '}
      <a
        href={viewHref(next)}
        onClick={(event: MouseEvent) => {
          if (!isPlainClick(event)) return
          event.preventDefault()
          setView(next)
        }}
      >
        See them in Anomalies
      </a>
    </p>
  )
}
