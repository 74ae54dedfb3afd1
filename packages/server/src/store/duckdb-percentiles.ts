import { latencyPercentiles } from './latency-percentiles.js'
import type { PercentileDefinition } from './query-planner.js'
import type { Execute } from './run-query.js'

/** Percentile metrics on DuckDB (latency-percentiles.ts, the same definition as on ClickHouse). */
export function duckdbPercentiles(execute: Execute): PercentileDefinition {
  return latencyPercentiles('duckdb', execute)
}
