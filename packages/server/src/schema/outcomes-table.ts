import type { Column, ColumnType, ColumnValue, Table } from './table.js'

/**
 * A business outcome as stored (POST /v1/outcomes; docs/decisions.md "Unit economics"): a resolved
 * ticket, a conversion, a signed contract, to set the cost of the calls behind it against. The
 * conventions of events: snake_case, money as integer nano-dollars (null when not sent, never 0), a
 * missing customer or feature as the explicit `unattributed`, times as epoch milliseconds.
 */
export interface StoredOutcome {
  project: string
  /** The sender's idempotency key: stored once per project. */
  id: string
  ts_ms: number
  outcome: string
  customer_id: string
  feature: string
  value_nanos: number | null
  /** When the server stored it. */
  received_ms: number
}

const column = (
  name: keyof StoredOutcome,
  type: ColumnType,
  nullable: boolean,
  cardinality?: 'unique' | 'low',
): Column<StoredOutcome> => ({
  name,
  type,
  nullable,
  ...(cardinality ? { cardinality } : {}),
  read: (outcome) => outcome[name] as ColumnValue,
})

/** The outcomes table, declared once for both engines (migrations, writes, reads, exports). */
export const OUTCOMES_TABLE: Table<Column<StoredOutcome>> = {
  name: 'outcomes',
  columns: [
    column('project', 'text', false, 'low'),
    column('id', 'text', false, 'unique'),
    column('ts_ms', 'int64', false),
    column('outcome', 'text', false, 'low'),
    column('customer_id', 'text', false, 'low'),
    column('feature', 'text', false, 'low'),
    column('value_nanos', 'int64', true),
    column('received_ms', 'int64', false),
  ],
}

/** Every field of an outcome, in the table's order. */
export const OUTCOME_FIELDS = OUTCOMES_TABLE.columns.map((current) => current.name) as (keyof StoredOutcome)[]
