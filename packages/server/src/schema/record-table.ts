import type { Column, Table } from './table.js'

/**
 * A small table of whole records, each named by its key, the latest write winning: API keys and
 * dashboard users, later budgets, alert channels and sync settings. Declared once; each engine
 * reads and writes every record table with the same code (store/<engine>/records.ts): DuckDB by a
 * primary key, replaced in place; ClickHouse keeps each write with its time (ReplacingMergeTree
 * over `updated_at`, read FINAL), as the meta table does.
 *
 * Columns hold text, whole numbers (times as epoch milliseconds) and booleans.
 */
export interface RecordTable<R> extends Table<Column<R>> {
  /** The column that names a record: DuckDB's primary key, ClickHouse's sorting key. */
  readonly key: string
  /** A record from a stored row (whole numbers already numbers, absent values null). */
  fromRow(row: Readonly<Record<string, string | number | boolean | null>>): R
}

/** The write time ClickHouse keeps the latest write of a key by; DuckDB replaces rows instead. */
const UPDATED_AT: Column<never> = {
  name: 'updated_at',
  type: 'timestamp',
  nullable: false,
  engines: ['clickhouse'],
  read: () => Date.now(),
}

export function recordTable<R>(
  name: string,
  key: string,
  columns: readonly Column<R>[],
  fromRow: RecordTable<R>['fromRow'],
): RecordTable<R> {
  return { name, key, columns: [...columns, UPDATED_AT], fromRow }
}

/** Column helpers for record tables. */
export const recordColumn = {
  text: <R>(
    name: string,
    read: (record: R) => string,
    cardinality: 'unique' | 'low' = 'unique',
  ): Column<R> => ({
    name,
    type: 'text',
    nullable: false,
    cardinality,
    read,
  }),
  /** Epoch milliseconds, or null. */
  time: <R>(name: string, read: (record: R) => number | null, nullable = true): Column<R> => ({
    name,
    type: 'int64',
    nullable,
    read,
  }),
}

/** A stored value as text (for fromRow). */
export const asText = (value: unknown): string => (value === null || value === undefined ? '' : String(value))

/** A stored whole number, or null. */
export const asNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value)
