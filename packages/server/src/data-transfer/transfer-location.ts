/** Where `spendlens export --to` and `spendlens import --from` point: a file by its extension, or a store. */
export type TransferLocation =
  | { kind: 'jsonl'; path: string }
  | { kind: 'parquet'; path: string }
  | { kind: 'store'; location: string }

/**
 * `*.jsonl` and `*.ndjson` are JSON Lines files, `*.parquet` a Parquet file; anything else is a store
 * location (a DuckDB file, `chdb://path`, `clickhouse://…`).
 */
export function parseTransferLocation(location: string): TransferLocation {
  const lower = location.toLowerCase()
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return { kind: 'jsonl', path: location }
  if (lower.endsWith('.parquet')) return { kind: 'parquet', path: location }
  return { kind: 'store', location }
}
