import type { DuckDBConnection } from '@duckdb/node-api'
import { ROLLUP_TABLE, ROLLUP_TABLES } from '../../query/rollup-tables.js'
import { compactSql } from './rollup-writer.js'
import { runTransaction } from './transactions.js'

const HOUR_MS = 3_600_000

/** Batches between compactions, and how often a batch must have appended to an hour to fold it. */
const COMPACT_EVERY_BATCHES = 50
const COMPACT_HOURS_APPENDED = 3

/**
 * What the DuckDB store knows of its rollups' hours: the span they may hold (for the planner's
 * time-zone check of an open range; never narrowed, a wider span only makes it check more), and
 * the hours whose partial rows are worth folding. An hour a live stream keeps appending to (the
 * current one) gathers a partial row per cell per batch; an hour a backfill passes once does not.
 */
export class RollupHours {
  /** Hours whose rollup rows changed, each with how many batches appended to it since it was last folded. */
  private readonly touched = new Map<number, number>()
  private batchesSinceCompaction = 0

  private constructor(
    private readonly writer: DuckDBConnection,
    private first: number | undefined,
    private last: number | undefined,
  ) {}

  /** The span as the rollup holds it now. */
  static async load(writer: DuckDBConnection): Promise<RollupHours> {
    const bounds = (
      await writer.runAndReadAll(
        `SELECT epoch_ms(min(hour)) AS first, epoch_ms(max(hour)) AS last FROM ${ROLLUP_TABLE}`,
      )
    ).getRowObjects()[0]
    const hour = (value: unknown) => (value === null || value === undefined ? undefined : Number(value))
    return new RollupHours(writer, hour(bounds?.first), hour(bounds?.last))
  }

  /** The first and last hour the rollup may hold (the planner's RollupDefinition.span). */
  readonly span = (): { from: Date; to: Date } | undefined =>
    this.first === undefined || this.last === undefined
      ? undefined
      : { from: new Date(this.first), to: new Date(this.last + HOUR_MS) }

  /** Notes that the rollup rows of the hour of `tsMs` changed. */
  touch(tsMs: number): void {
    const hour = Math.floor(tsMs / HOUR_MS) * HOUR_MS
    this.touched.set(hour, (this.touched.get(hour) ?? 0) + 1)
    if (this.first === undefined || hour < this.first) this.first = hour
    if (this.last === undefined || hour > this.last) this.last = hour
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
