import { useMemo } from 'react'
import { type Column, DataTable } from '../../components/data-table'
import { Panel, QueryBody } from '../../components/panel'
import { useDashboard } from '../../hooks/dashboard-context'
import { useAnalyticsQuery } from '../../hooks/use-analytics-query'
import { formatInteger, formatTimestamp } from '../../lib/format'
import { groupUnpricedModels, UNPRICED_ROWS, type UnpricedModel } from '../../lib/unpriced-models'
import { unpricedModelsQuery } from '../../queries/unpriced-queries'

const when = (time: number | null, timeZone: string) =>
  time === null ? '—' : formatTimestamp(new Date(time).toISOString(), timeZone)

function columns(timeZone: string): Column<UnpricedModel>[] {
  return [
    { key: 'provider', label: 'Provider', value: (row) => row.provider },
    { key: 'model', label: 'Model', value: (row) => row.model, cellClass: () => 'mono' },
    {
      key: 'requests',
      label: 'Calls',
      numeric: true,
      value: (row) => row.requests,
      format: (value) => formatInteger(value as number),
    },
    {
      key: 'input_tokens',
      label: 'Input tokens',
      numeric: true,
      value: (row) => row.input_tokens,
      format: (value) => formatInteger(value as number),
    },
    {
      key: 'output_tokens',
      label: 'Output tokens',
      numeric: true,
      value: (row) => row.output_tokens,
      format: (value) => formatInteger(value as number),
    },
    {
      key: 'first_seen',
      label: 'First seen',
      value: (row) => (row.first_seen_ms === null ? null : new Date(row.first_seen_ms).toISOString()),
      format: (_value, row) => when(row.first_seen_ms, timeZone),
    },
    {
      key: 'last_seen',
      label: 'Last seen',
      value: (row) => (row.last_seen_ms === null ? null : new Date(row.last_seen_ms).toISOString()),
      format: (_value, row) => when(row.last_seen_ms, timeZone),
    },
    {
      key: 'features',
      label: 'Features (calls)',
      value: (row) => row.features.map((entry) => `${entry.feature} (${entry.requests})`).join(', '),
    },
  ]
}

/**
 * Every model the scope's calls had no price for, with the calls and tokens at stake, when it was
 * first and last called, and by which features; and what to do about it (docs/pricing.md). Every
 * other mention of calls of unknown price links here.
 */
export function UnpricedModelsView() {
  const { scope } = useDashboard()
  const answer = useAnalyticsQuery(unpricedModelsQuery(scope))
  const models = useMemo(() => groupUnpricedModels(answer.data ?? []), [answer.data])
  const cut = (answer.data?.length ?? 0) >= UNPRICED_ROWS
  return (
    <>
      <div className="page-header">
        <h2>Unpriced models</h2>
      </div>
      <section className="warning-banner" aria-label="What to do" data-testid="unpriced-help">
        <p>
          spendlens found no price for these models in its catalog, its supplement or your custom prices, so
          their calls are stored with an <strong>unknown cost</strong>: left out of every cost figure, never
          counted as $0. To price them:
        </p>
        <ol>
          <li>
            give the model a price: under <code>pricing.models</code> in your app's <code>init()</code>{' '}
            (docs/sdk.md, "Your own prices"), or a supplement entry for a published price the catalog lacks
            (docs/pricing.md);
          </li>
          <li>
            reprice the calls already stored: <code>spendlens reprice --prices prices.json</code>{' '}
            (docs/reprice.md);
          </li>
          <li>
            list what is still unpriced in the store with <code>npm run check:prices -- --store …</code>.
          </li>
        </ol>
      </section>
      <Panel
        title="Models without a price"
        subtitle="In the selected range and filters: calls, tokens at stake, first and last call, features"
        testId="unpriced-models"
        stale={answer.stale}
        wide
      >
        <QueryBody
          state={answer}
          what="the unpriced models"
          isEmpty={(rows) => rows.length === 0}
          empty={<p data-testid="unpriced-none">Every call in this range has a known price.</p>}
        >
          {() => (
            <DataTable
              title="Unpriced models"
              columns={columns(scope.timeZone)}
              rows={models}
              rowKey={(row) => `${row.provider}/${row.model}`}
              testId="unpriced-models-table"
              defaultSort={{ key: 'requests', direction: 'desc' }}
              note={
                cut
                  ? `The first ${formatInteger(UNPRICED_ROWS)} model and feature pairs by calls: narrow the range or filters for the rest.`
                  : undefined
              }
            />
          )}
        </QueryBody>
      </Panel>
    </>
  )
}
