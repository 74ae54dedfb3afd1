/**
 * Schema versions, the same way on both engines: a store keeps the versions it applied in
 * `spendlens_schema` and, at open, applies the ones it has not seen, in order, each recorded once
 * it is done. An engine says how it reads its version and applies one (store/duckdb/migrations.ts:
 * in a transaction; store/clickhouse/migrations.ts: statement by statement, each safe to run twice,
 * since ClickHouse DDL is not transactional). Add a migration for every change; never edit one.
 */
export interface SchemaHistory {
  /** The latest version applied (0 for a new store). */
  applied(): Promise<number>
  /** Applies migration `version` (1-based) and records it. */
  apply(version: number): Promise<void>
}

/** Brings a store from the version it has to `latest`. */
export async function migrate(history: SchemaHistory, latest: number): Promise<void> {
  for (let version = (await history.applied()) + 1; version <= latest; version++) await history.apply(version)
}
