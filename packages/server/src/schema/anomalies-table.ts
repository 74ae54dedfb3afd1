import type { Anomaly, AnomalyKind, AnomalySeverity, AnomalyState } from '../api/api-types.js'
import { asNumber, asText, recordColumn, recordTable } from './record-table.js'

/** An anomaly as stored: the API's shape, its project, and money in nano-dollars. */
export interface AnomalyRecord {
  id: string
  project: string
  kind: AnomalyKind
  /** '' for an anomaly of everything. */
  scopeDimension: string
  scopeValue: string
  /** Epoch ms: the first hour seen, and the end of the last. */
  start: number
  end: number
  measure: string
  observed: number
  expected: number
  moneyAtStakeNanos: number
  /** The last hour's part of the money at stake: that hour, seen again while it is not over, is replaced. */
  lastHourNanos: number
  severity: AnomalySeverity
  state: AnomalyState
  summary: string
  detectedAt: number
  updatedAt: number
}

const asFloat = (value: unknown) => Number(value ?? 0)

/**
 * Anomalies (anomalies/), one record each, keyed by their id: the hash of project, kind, scope and
 * start, so the same anomaly is never raised twice. Observed and expected are kept as text: they
 * are measures of any unit (dollars, tokens, a rate), and record tables hold text and whole numbers.
 */
export const ANOMALIES_TABLE = recordTable<AnomalyRecord>(
  'spendlens_anomalies',
  'id',
  [
    recordColumn.text('id', (anomaly) => anomaly.id),
    recordColumn.text('project', (anomaly) => anomaly.project, 'low'),
    recordColumn.text('kind', (anomaly) => anomaly.kind, 'low'),
    recordColumn.text('scope_dimension', (anomaly) => anomaly.scopeDimension, 'low'),
    recordColumn.text('scope_value', (anomaly) => anomaly.scopeValue),
    recordColumn.time('start_ms', (anomaly) => anomaly.start, false),
    recordColumn.time('end_ms', (anomaly) => anomaly.end, false),
    recordColumn.text('measure', (anomaly) => anomaly.measure, 'low'),
    recordColumn.text('observed', (anomaly) => String(anomaly.observed)),
    recordColumn.text('expected', (anomaly) => String(anomaly.expected)),
    recordColumn.time('money_at_stake_nanos', (anomaly) => anomaly.moneyAtStakeNanos, false),
    recordColumn.time('last_hour_nanos', (anomaly) => anomaly.lastHourNanos, false),
    recordColumn.text('severity', (anomaly) => anomaly.severity, 'low'),
    recordColumn.text('state', (anomaly) => anomaly.state, 'low'),
    recordColumn.text('summary', (anomaly) => anomaly.summary),
    recordColumn.time('detected_at', (anomaly) => anomaly.detectedAt, false),
    recordColumn.time('changed_at', (anomaly) => anomaly.updatedAt, false),
  ],
  (row) => ({
    id: asText(row.id),
    project: asText(row.project),
    kind: asText(row.kind) as AnomalyKind,
    scopeDimension: asText(row.scope_dimension),
    scopeValue: asText(row.scope_value),
    start: asNumber(row.start_ms) ?? 0,
    end: asNumber(row.end_ms) ?? 0,
    measure: asText(row.measure),
    observed: asFloat(row.observed),
    expected: asFloat(row.expected),
    moneyAtStakeNanos: asNumber(row.money_at_stake_nanos) ?? 0,
    lastHourNanos: asNumber(row.last_hour_nanos) ?? 0,
    severity: asText(row.severity) as AnomalySeverity,
    state: asText(row.state) as AnomalyState,
    summary: asText(row.summary),
    detectedAt: asNumber(row.detected_at) ?? 0,
    updatedAt: asNumber(row.changed_at) ?? 0,
  }),
)

/** The API's shape of a stored anomaly. */
export function toAnomaly(record: AnomalyRecord): Anomaly {
  return {
    id: record.id,
    kind: record.kind,
    scope: record.scopeDimension ? { dimension: record.scopeDimension, value: record.scopeValue } : null,
    start: new Date(record.start).toISOString(),
    end: new Date(record.end).toISOString(),
    measure: record.measure,
    observed: record.observed,
    expected: record.expected,
    money_at_stake_usd: record.moneyAtStakeNanos / 1e9,
    severity: record.severity,
    state: record.state,
    summary: record.summary,
  }
}
