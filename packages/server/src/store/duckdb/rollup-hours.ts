import type { DuckDBConnection } from '@duckdb/node-api'
import type { RollupSpan } from '../../query/rollup-span.js'
import { ROLLUP_TABLES } from '../../query/rollup-tables.js'
import { compactSql } from './rollup-writer.js'
import { runTransaction } from './transactions.js'

const HOUR_MS = 3_600_000

/** Batches between compactions, and how often a batch must have appended to an hour to fold it. */
const COMPACT_EVERY_BATCHES = 50
const COMPACT_HOURS_APPENDED = 3

/**
 * What the DuckDB store knows of its rollups' hours: their span (query/rollup-span.ts) and the
 * hours whose partial rows are worth folding. An hour a live stream keeps appending to (the
 * current one) gathers a partial row per cell per batch; an hour a backfill passes once does not.
 */
export class RollupHours {
  /** Hours whose rollup rows changed, each with how many batches appended to it since it was last folded. */
  private readonly touched = new Map<number, number>()
  private batchesSinceCompaction = 0

  constructor(
    private readonly writer: DuckDBConnection,
    readonly span: RollupSpan,
  ) {}

  /** Notes that the rollup rows of the hour of `tsMs` changed. */
  touch(tsMs: number): void {
    const hour = Math.floor(tsMs / HOUR_MS) * HOUR_MS
    this.touched.set(hour, (this.touched.get(hour) ?? 0) + 1)
    this.span.widen(hour)
  }

  /** After each committed batch: folds the busy hours every so many batches. */
  async afterBatch(): Promise<void> {
    if (++this.batchesSinceCompaction >= COMPACT_EVERY_BATCHES) await this.compact(COMPACT_HOURS_APPENDED)
  }

  /** Folds the busy hours (at close). */
  compactBusy(): Promise<void> {
    return this.compact(COMPACT_HOURS_APPENDED)
  }

  /** Folds the partial rows of hours appended to at least `minimum` times since their last fold. */
  async compact(minimum = 1): Promise<void> {
    const hours = [...this.touched].filter(([, batches]) => batches >= minimum).map(([hour]) => hour)
    this.batchesSinceCompaction = 0
    if (hours.length === 0) return
    await runTransaction(
      this.writer,
      ROLLUP_TABLES.flatMap((table) => compactSql(table, hours)),
    )
    for (const hour of hours) this.touched.delete(hour)
  }
}
