import type { Anomaly } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import { anomalyTimeline } from '../../charts/anomaly-timeline'
import { timeSeriesOption } from '../../charts/time-series'
import { Chart } from '../../components/chart'
import { HiddenTable } from '../../components/hidden-table'
import { Panel } from '../../components/panel'
import { useDashboard } from '../../hooks/dashboard-context'
import { useChartTheme, useTimeAxis } from '../../hooks/use-chart-theme'
import { formatUsd, formatUsdShort } from '../../lib/format'
import { sumUsd } from '../../lib/series'

/** Money at stake over the range, a bar per bucket stacked by kind. */
export function AnomalyTimelinePanel({ anomalies }: { anomalies: readonly Anomaly[] }) {
  const { scope } = useDashboard()
  const theme = useChartTheme()
  const axis = useTimeAxis(scope)
  const series = useMemo(() => anomalyTimeline(anomalies, axis, theme.palette), [anomalies, axis, theme])
  const option = useMemo(
    () =>
      timeSeriesOption(
        {
          axis,
          series,
          kind: 'bar',
          stacked: true,
          format: formatUsd,
          axisFormat: formatUsdShort,
          total: (values) => formatUsd(sumUsd(values)),
        },
        theme,
      ),
    [axis, series, theme],
  )
  return (
    <Panel
      title="Money at stake over time"
      subtitle={`Per ${scope.bucket}, by kind, in the ${scope.bucket} each anomaly began (the first for those that began earlier)`}
      wide
      testId="anomaly-timeline-panel"
    >
      <Chart
        option={option}
        label={`Stacked bar chart of money at stake per ${scope.bucket} by kind of anomaly, ${axis.length} ${scope.bucket}s`}
        testId="anomaly-timeline"
        className="chart chart-short"
        describedBy="anomaly-timeline-table"
      />
      <HiddenTable
        id="anomaly-timeline-table"
        caption={`Money at stake per ${scope.bucket} by kind of anomaly`}
        columns={['Period', ...series.map((entry) => entry.name), 'Total']}
        rows={axis.map((slot, index) => [
          slot.longLabel,
          ...series.map((entry) => formatUsd(entry.values[index])),
          formatUsd(sumUsd(series.map((entry) => entry.values[index]))),
        ])}
      />
    </Panel>
  )
}
