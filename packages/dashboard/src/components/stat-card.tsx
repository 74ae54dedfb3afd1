import type { ReactNode } from 'react'
import { LATENCY_BAND_LABEL, type LatencyBand } from '../lib/format'
import { comparePeriods } from '../lib/period-comparison'

export interface StatCardProps {
  label: string
  testId: string
  value: number | null | undefined
  format: (value: number | null | undefined) => string
  loading: boolean
  /** The same figure over the previous period; undefined: no comparison. */
  previous?: number | null
  /** "vs previous 30 days". */
  compareLabel?: string
  /** Whether a rise is good news (requests), bad news (cost, latency, errors) or neither. */
  rise?: 'good' | 'bad' | 'neutral'
  /** Latency colour band of the value. */
  band?: LatencyBand
  /** Full precision or an explanation, on hover. */
  title?: string
  note?: ReactNode
}

/** One headline figure with its change against the previous period. */
export function StatCard(props: StatCardProps) {
  const { value, loading } = props
  const known = value !== undefined
  const change = props.compareLabel !== undefined ? comparePeriods(value, props.previous) : undefined
  let tone = 'neutral'
  if (change && change.direction !== 'flat' && props.rise && props.rise !== 'neutral') {
    const good = (change.direction === 'up') === (props.rise === 'good')
    tone = good ? 'good' : 'bad'
  }
  const arrow = change?.direction === 'up' ? '▲' : change?.direction === 'down' ? '▼' : '■'
  return (
    <div className="stat">
      <dt>{props.label}</dt>
      <dd
        className={['stat-value', known ? '' : 'is-loading', props.band ? `band-${props.band}` : '']
          .filter(Boolean)
          .join(' ')}
        data-testid={props.testId}
        data-value={value ?? undefined}
        data-band={props.band}
        title={props.title}
        aria-busy={loading}
      >
        {props.band ? <span className={`band-dot band-${props.band}`} aria-hidden="true" /> : null}
        {known ? props.format(value) : loading ? 'Loading…' : '—'}
        {props.band ? <span className="visually-hidden"> ({LATENCY_BAND_LABEL[props.band]})</span> : null}
      </dd>
      {change ? (
        <dd
          className={`stat-change tone-${tone}`}
          data-testid={`${props.testId}-change`}
          data-previous={props.previous ?? undefined}
          title={`Previous period: ${props.format(props.previous)}`}
        >
          <span aria-hidden="true">{arrow}</span> {change.text}{' '}
          <span className="muted">{props.compareLabel}</span>
        </dd>
      ) : props.compareLabel !== undefined && known && props.previous !== undefined ? (
        <dd className="stat-change muted">no data in the previous period</dd>
      ) : null}
      {props.note ? <dd className="stat-note">{props.note}</dd> : null}
    </div>
  )
}

export function StatGrid({ label, children }: { label: string; children: ReactNode }) {
  return (
    <dl className="stats" aria-label={label}>
      {children}
    </dl>
  )
}
