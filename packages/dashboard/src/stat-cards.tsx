import type { ReactNode } from 'react'
import { type Summary, summaryCost } from './api'
import { formatCompact, formatInteger, formatLatency, formatUsd } from './format'

interface StatProps {
  label: string
  testId: string
  value: number | null | undefined
  format: (value: number | null | undefined) => string
  loading: boolean
  /** Full-precision or explanatory text shown on hover. */
  title?: string
  note?: ReactNode
}

function Stat({ label, testId, value, format, loading, title, note }: StatProps) {
  const known = value !== undefined
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd
        className={known ? 'stat-value' : 'stat-value is-loading'}
        data-testid={testId}
        data-value={value ?? undefined}
        title={title}
        aria-busy={loading}
      >
        {known ? format(value) : loading ? 'Loading…' : '—'}
      </dd>
      {note ? <dd className="stat-note">{note}</dd> : null}
    </div>
  )
}

export interface StatCardsProps {
  summary: Summary | undefined
  loading: boolean
}

/** The five headline figures of the selected range, from GET /api/summary. */
export function StatCards({ summary, loading }: StatCardsProps) {
  const unpriced = summary?.unpriced_count ?? 0
  return (
    <dl className="stats" aria-label="Summary">
      <Stat
        label="Requests"
        testId="stat-requests"
        value={summary?.requests}
        format={formatInteger}
        loading={loading}
      />
      <Stat
        label="Tokens"
        testId="stat-total-tokens"
        value={summary?.total_tokens}
        format={formatCompact}
        loading={loading}
        title={summary ? `${formatInteger(summary.total_tokens)} tokens` : undefined}
        note={
          summary
            ? `${formatCompact(summary.input_tokens)} in · ${formatCompact(summary.output_tokens)} out`
            : undefined
        }
      />
      <Stat
        label="Avg tokens / request"
        testId="stat-avg-tokens"
        value={summary === undefined ? undefined : summary.avg_tokens_per_request}
        format={formatInteger}
        loading={loading}
      />
      <Stat
        label="Avg latency"
        testId="stat-avg-latency"
        value={summary === undefined ? undefined : summary.avg_latency_ms}
        format={formatLatency}
        loading={loading}
      />
      <Stat
        label="Total cost"
        testId="stat-total-cost"
        value={summary ? summaryCost(summary) : undefined}
        format={formatUsd}
        loading={loading}
        title={typeof summary?.cost_usd === 'number' ? `$${summary.cost_usd} (unrounded)` : undefined}
        note={
          unpriced > 0 ? (
            <span className="warning" data-testid="unpriced-note">
              + {formatInteger(unpriced)} {unpriced === 1 ? 'call' : 'calls'} with unknown price
            </span>
          ) : undefined
        }
      />
    </dl>
  )
}
