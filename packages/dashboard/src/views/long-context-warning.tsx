import type { LongContextFeature, LongContextModel } from '@spendlens/server/api-types'
import { type Column, DataTable } from '../components/data-table'
import { UnpricedLink } from '../components/unpriced-link'
import { useLongContext } from '../hooks/use-decisions'
import { formatInteger, formatPercent, formatUsd } from '../lib/format'

interface WarningRow extends LongContextModel {
  feature: string
}

const calls = (count: number) => `${formatInteger(count)} ${count === 1 ? 'call' : 'calls'}`
const money = (value: number | null) => (value === null ? 'unknown' : formatUsd(value))

const COLUMNS: Column<WarningRow>[] = [
  { key: 'feature', label: 'Feature', value: (row) => row.feature },
  {
    key: 'model',
    label: 'Model',
    value: (row) => row.model,
    title: (row) => `${row.provider}/${row.model}, priced as ${row.priced_as}`,
  },
  {
    key: 'threshold',
    label: 'Tier past',
    numeric: true,
    value: (row) => row.threshold,
    format: (value) => `${formatInteger(Number(value))} input tokens`,
  },
  {
    key: 'approaching',
    label: 'Near it',
    numeric: true,
    value: (row) => row.approaching,
    format: (value) => formatInteger(Number(value)),
  },
  {
    key: 'crossed',
    label: 'Past it',
    numeric: true,
    value: (row) => row.crossed,
    format: (value) => formatInteger(Number(value)),
    cellClass: (row) => (row.crossed > 0 ? 'tone-bad' : undefined),
  },
  {
    key: 'cost_usd',
    label: 'Their cost',
    numeric: true,
    value: (row) => row.cost_usd,
    format: (value, row) =>
      row.crossed === 0
        ? '—'
        : `${money(value as number | null)}${row.unpriced > 0 ? ` + ${calls(row.unpriced)} of unknown cost` : ''}`,
  },
  {
    key: 'extra_usd',
    label: 'Extra over base rate',
    numeric: true,
    value: (row) => row.extra_usd,
    format: (value, row) => (row.crossed === 0 ? '—' : money(value as number | null)),
    cellClass: (row) => ((row.extra_usd ?? 0) > 0 ? 'tone-bad' : undefined),
  },
  {
    key: 'requests',
    label: 'Calls on the model',
    numeric: true,
    value: (row) => row.requests,
    format: (value) => formatInteger(Number(value)),
  },
]

const rowsOf = (features: readonly LongContextFeature[]): WarningRow[] =>
  features.flatMap((feature) => feature.models.map((model) => ({ ...model, feature: feature.feature })))

/**
 * A warning, where calls came near or passed a model's long-context price tier (GET
 * /api/long-context): how many, per feature and model, what those past it cost and how much of that
 * the tier added. Nothing at all when no call came near a tier.
 */
export function LongContextWarning() {
  const answer = useLongContext()
  const data = answer.data
  if (!data || data.totals.approaching + data.totals.crossed === 0) return null
  const { totals } = data
  const share = formatPercent(data.approach_share)
  const past =
    totals.crossed > 0 ? (
      <>
        {`${calls(totals.crossed)} passed a model's long-context price tier and cost ${money(totals.cost_usd)}`}
        {totals.unpriced > 0 ? (
          <>
            {' (+ '}
            <UnpricedLink>{calls(totals.unpriced)} of unknown cost</UnpricedLink>)
          </>
        ) : null}
        {`, ${money(totals.extra_usd)} more than at the base rate`}
      </>
    ) : (
      'No call passed a model’s long-context price tier'
    )
  const near =
    totals.approaching > 0 ? `; ${calls(totals.approaching)} came within ${share}–100% of it.` : '.'
  return (
    <section
      className="warning-banner"
      role="status"
      aria-label="Long-context prices"
      data-testid="long-context-warning"
    >
      <p
        data-testid="long-context-summary"
        data-crossed={totals.crossed}
        data-approaching={totals.approaching}
      >
        <strong>Long context.</strong> {past}
        {near} A call whose input passes the tier’s threshold is billed at the higher rate for all of its
        tokens.
      </p>
      <DataTable
        title="Long-context calls"
        caption="Per feature and model: calls near the tier (not yet billed at its rate) and past it."
        columns={COLUMNS}
        rows={rowsOf(data.features)}
        rowKey={(row) => `${row.feature}\u0000${row.provider}\u0000${row.model}`}
        testId="long-context-table"
      />
    </section>
  )
}
