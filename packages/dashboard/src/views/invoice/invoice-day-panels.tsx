import type { ReconcileAnswer } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import { gapPartsOption } from '../../charts/gap-parts'
import { invoiceDaysOption } from '../../charts/invoice-days'
import { Chart } from '../../components/chart'
import { HiddenTable } from '../../components/hidden-table'
import { Panel, PanelMessage } from '../../components/panel'
import { useChartTheme } from '../../hooks/use-chart-theme'
import { type BucketSlot, bucketAxis } from '../../lib/buckets'
import { formatCoverage, formatUsd, formatUsdShort } from '../../lib/format'
import { GAP_PART_LIST } from '../../lib/gap-parts'
import type { InvoiceDays } from '../../lib/invoice-period'
import { type DailyFigures, dailyFigures } from '../../lib/reconcile-days'
import { addDays, startOfDateLabel } from '../../lib/zoned-time'

/** Every UTC day of the range, those without invoice included (they show as gaps). */
function useUtcDays(days: InvoiceDays): BucketSlot[] {
  return useMemo(
    () =>
      bucketAxis(
        { from: startOfDateLabel(days.first, 'UTC'), to: startOfDateLabel(addDays(days.last, 1), 'UTC') },
        'day',
        'UTC',
      ),
    [days.first, days.last],
  )
}

/** Invoiced against tracked per UTC day, and the parts of each day's gap. */
export function InvoiceDayPanels({
  days,
  answer,
  stale,
}: {
  days: InvoiceDays
  answer: ReconcileAnswer
  stale: boolean
}) {
  const axis = useUtcDays(days)
  const figures = useMemo(() => dailyFigures(answer.rows, axis), [answer.rows, axis])
  const empty = answer.rows.length === 0
  const message = <PanelMessage>No complete invoice covers these days yet.</PanelMessage>
  return (
    <>
      <Panel
        title="Invoiced vs tracked"
        subtitle="Per UTC day: bars are the invoice, the line what your events account for"
        stale={stale}
        testId="invoice-days-panel"
      >
        {empty ? message : <InvoiceDaysChart axis={axis} figures={figures} />}
      </Panel>
      <Panel
        title="The gap in parts"
        subtitle="Per UTC day; a part below zero is money tracked but not billed, or billed for less"
        stale={stale}
        testId="gap-parts-panel"
      >
        {empty ? message : <GapPartsChart axis={axis} figures={figures} />}
      </Panel>
    </>
  )
}

function InvoiceDaysChart({ axis, figures }: { axis: BucketSlot[]; figures: DailyFigures }) {
  const theme = useChartTheme()
  const option = useMemo(
    () =>
      invoiceDaysOption(
        {
          axis,
          invoiced: figures.invoiced,
          tracked: figures.tracked,
          coverage: figures.coverage,
          format: formatUsd,
          axisFormat: formatUsdShort,
          coverageFormat: (value) => (typeof value === 'number' ? formatCoverage(value) : 'nothing invoiced'),
        },
        theme,
      ),
    [axis, figures, theme],
  )
  return (
    <>
      <Chart
        option={option}
        label="Bar chart of the invoiced amount per UTC day, with the tracked cost as a line"
        testId="invoice-days-chart"
        className="chart"
        describedBy="invoice-days-table"
      />
      <HiddenTable
        id="invoice-days-table"
        caption="Invoiced and tracked per UTC day"
        columns={['Day', 'Invoiced', 'Tracked', 'Coverage']}
        rows={axis.map((slot, index) => [
          slot.longLabel,
          formatUsd(figures.invoiced[index]),
          formatUsd(figures.tracked[index]),
          formatCoverage(figures.coverage[index]),
        ])}
      />
    </>
  )
}

function GapPartsChart({ axis, figures }: { axis: BucketSlot[]; figures: DailyFigures }) {
  const theme = useChartTheme()
  const option = useMemo(
    () =>
      gapPartsOption({ axis, parts: figures.parts, format: formatUsd, axisFormat: formatUsdShort }, theme),
    [axis, figures, theme],
  )
  return (
    <>
      <Chart
        option={option}
        label="Stacked bar chart of the gap's parts per UTC day: untracked usage, price difference, non-model lines, unexplained"
        testId="gap-parts-chart"
        className="chart"
        describedBy="gap-parts-table"
      />
      <HiddenTable
        id="gap-parts-table"
        caption="The gap's parts per UTC day"
        columns={['Day', ...GAP_PART_LIST.map((entry) => entry.label)]}
        rows={axis.map((slot, index) => [
          slot.longLabel,
          ...GAP_PART_LIST.map(({ part }) => formatUsd(figures.parts[part][index])),
        ])}
      />
    </>
  )
}
