import type { Column, Table } from './table.js'

/** One setting of the store: a key and its value (the demo marker, later sync cursors). */
export interface MetaEntry {
  key: string
  value: string
  /** When it was written (epoch ms): ClickHouse keeps the latest write of a key by it. */
  updatedAt: number
}

/**
 * The store's own key–value table, declared like every table (table.ts). DuckDB keys it by a
 * primary key and replaces in place; ClickHouse has no such thing, so it keeps every write with
 * its time and reads the latest (ReplacingMergeTree(updated_at), read FINAL).
 */
export const META_TABLE: Table<Column<MetaEntry>> = {
  name: 'spendlens_meta',
  columns: [
    { name: 'key', type: 'text', nullable: false, cardinality: 'unique', read: (entry) => entry.key },
    { name: 'value', type: 'text', nullable: false, cardinality: 'unique', read: (entry) => entry.value },
    {
      name: 'updated_at',
      type: 'timestamp',
      nullable: false,
      engines: ['clickhouse'],
      read: (entry) => entry.updatedAt,
    },
  ],
}
