import type { Filter, QueryRow } from '@spendlens/server/api-types'
import { StatCard, StatGrid } from '../components/stat-card'
import { UnpricedLink } from '../components/unpriced-link'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import { describeComparison } from '../lib/describe-range'
import { formatCompact, formatInteger, formatLatency, formatUsd, latencyBand } from '../lib/format'
import { summaryQueries } from '../queries/summary-queries'

/**
 * The average cost of a call: known cost over the calls with a known price (the query model's
 * `cost_per_request`), so a call of unknown price counts neither as $0 nor at all; none is
 * "unknown", and no call at all has no average.
 */
export function averageCost(row: QueryRow | undefined): number | null | undefined {
  if (!row || (row.requests ?? 0) === 0) return undefined
  return row.cost_per_request ?? null
}

const formatAverage = (value: number | null | undefined) => (value === null ? 'unknown' : formatUsd(value))

/**
 * The range's cost for display. The server sends `cost_usd: null` both when every call was
 * unpriced (unknown: keep null) and when there were no calls at all (that costs $0).
 */
export function knownCost(row: QueryRow | undefined): number | null | undefined {
  if (!row) return undefined
  if ((row.cost_usd ?? null) === null && (row.requests ?? 0) === 0) return 0
  return row.cost_usd ?? null
}

/** The headline figures of the scope, each against the previous period of equal length. */
export function SummaryCards({ extraFilters = [] }: { extraFilters?: Filter[] }) {
  const { scope } = useDashboard()
  const queries = summaryQueries(scope, extraFilters)
  const current = useAnalyticsQuery(queries.current)
  const previous = useAnalyticsQuery(queries.previous)
  const row = current.data?.[0]
  const before = scope.previous ? (previous.data?.[0] ?? undefined) : undefined
  const compareLabel = describeComparison(scope.previous, true)
  const loading = current.loading
  const unpriced = row?.unpriced_count ?? 0
  const compare = (value: number | null | undefined) => (before ? value : undefined)
  return (
    <StatGrid label="Summary">
      <StatCard
        label="Requests"
        testId="stat-requests"
        value={row?.requests}
        format={formatInteger}
        loading={loading}
        previous={compare(before?.requests)}
        compareLabel={compareLabel}
        rise="neutral"
      />
      <StatCard
        label="Tokens"
        testId="stat-total-tokens"
        value={row?.total_tokens}
        format={formatCompact}
        loading={loading}
        previous={compare(before?.total_tokens)}
        compareLabel={compareLabel}
        rise="neutral"
        title={row ? `${formatInteger(row.total_tokens)} tokens` : undefined}
        note={
          row ? `${formatCompact(row.input_tokens)} in · ${formatCompact(row.output_tokens)} out` : undefined
        }
      />
      <StatCard
        label="Avg tokens / request"
        testId="stat-avg-tokens"
        value={row ? (row.avg_tokens_per_request ?? null) : undefined}
        format={formatInteger}
        loading={loading}
        previous={compare(before?.avg_tokens_per_request)}
        compareLabel={compareLabel}
        rise="neutral"
      />
      <StatCard
        label="Avg latency"
        testId="stat-avg-latency"
        value={row ? (row.avg_latency_ms ?? null) : undefined}
        format={formatLatency}
        loading={loading}
        previous={compare(before?.avg_latency_ms)}
        compareLabel={compareLabel}
        rise="bad"
        band={latencyBand(row?.avg_latency_ms)}
      />
      <StatCard
        label="Total cost"
        testId="stat-total-cost"
        value={knownCost(row)}
        format={formatUsd}
        loading={loading}
        previous={compare(knownCost(before))}
        compareLabel={compareLabel}
        rise="bad"
        title={typeof row?.cost_usd === 'number' ? `$${row.cost_usd} (unrounded)` : undefined}
        note={
          unpriced > 0 ? (
            <span className="warning" data-testid="unpriced-note">
              +{' '}
              <UnpricedLink testId="unpriced-note-link" filters={extraFilters}>
                {formatInteger(unpriced)} {unpriced === 1 ? 'call' : 'calls'} with unknown price
              </UnpricedLink>
            </span>
          ) : undefined
        }
      />
      <StatCard
        label="Avg cost / request"
        testId="stat-cost-per-request"
        value={averageCost(row)}
        format={formatAverage}
        loading={loading}
        previous={compare(averageCost(before))}
        compareLabel={compareLabel}
        rise="bad"
        title={typeof row?.cost_per_request === 'number' ? `$${row.cost_per_request} (unrounded)` : undefined}
        note={
          unpriced > 0 && row ? (
            <span className="warning" data-testid="cost-per-request-note">
              over {formatInteger((row.requests ?? 0) - unpriced)} priced calls; {formatInteger(unpriced)} of
              unknown price left out
            </span>
          ) : row && (row.requests ?? 0) > 0 ? (
            <span className="muted">Total cost ÷ requests</span>
          ) : undefined
        }
      />
      <StatCard
        label="Unpriced calls"
        testId="stat-unpriced"
        value={row?.unpriced_count}
        format={formatInteger}
        loading={loading}
        previous={compare(before?.unpriced_count)}
        compareLabel={compareLabel}
        rise="bad"
        note={
          unpriced > 0 ? (
            <span className="muted">
              Cost unknown, not $0:{' '}
              <UnpricedLink testId="unpriced-card-link" filters={extraFilters}>
                which models
              </UnpricedLink>
            </span>
          ) : row ? (
            <span className="muted">Every call has a price</span>
          ) : undefined
        }
      />
    </StatGrid>
  )
}
