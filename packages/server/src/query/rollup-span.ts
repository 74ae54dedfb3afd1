import { DIALECTS, type EngineName } from './dialect.js'
import { ROLLUP_TABLE } from './rollup-tables.js'
import type { Execute } from './run-query.js'

const HOUR_MS = 3_600_000

/**
 * The first and last hour a store's rollups may hold, for the planner's time-zone check of an open
 * range (RollupDefinition.span): read at open, widened by the store's own appends, never narrowed
 * (a wider span only makes the planner check more). On ClickHouse another collector's appends are
 * not seen; the planner only needs the span for ranges reaching outside 1970–2100.
 */
export class RollupSpan {
  private constructor(
    private first: number | undefined,
    private last: number | undefined,
  ) {}

  /** The span as the rollup holds it now, on either engine. */
  static async load(engine: EngineName, execute: Execute): Promise<RollupSpan> {
    const dialect = DIALECTS[engine]
    const edge = (aggregate: 'min' | 'max') => dialect.nullWhenEmpty(dialect.epochMs(`${aggregate}(hour)`))
    const [row] = await execute({
      sql: `SELECT ${edge('min')} AS first, ${edge('max')} AS last FROM ${ROLLUP_TABLE}`,
      params: {},
      types: {},
    })
    const hour = (value: unknown) => (value === null || value === undefined ? undefined : Number(value))
    return new RollupSpan(hour(row?.first), hour(row?.last))
  }

  /** Widens the span to the hour of `tsMs`. */
  widen(tsMs: number): void {
    const hour = Math.floor(tsMs / HOUR_MS) * HOUR_MS
    if (this.first === undefined || hour < this.first) this.first = hour
    if (this.last === undefined || hour > this.last) this.last = hour
  }

  /** The span, as the planner asks for it. */
  readonly span = (): { from: Date; to: Date } | undefined =>
    this.first === undefined || this.last === undefined
      ? undefined
      : { from: new Date(this.first), to: new Date(this.last + HOUR_MS) }
}
