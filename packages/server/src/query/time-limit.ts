/**
 * A query's time limit. One client's heavy question (a year of minute buckets by session, a
 * percentile over every user) must not hold an engine's threads for everyone else, so past its
 * limit a query is cancelled in the engine itself, not merely abandoned: DuckDB interrupts the
 * connection running it (store/duckdb/reader-pool.ts), ClickHouse stops it on its own clock
 * (`max_execution_time`, store/clickhouse/clickhouse-connection.ts). The limit covers every
 * statement of the query (the main one, percentiles, the "others" row) together.
 */

/** How long the HTTP API lets one query run (`spendlens serve --query-timeout`). */
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000

/** Options of one read (Store.query, Store.listEvents, QueryInsight.runRaw). */
export interface QueryOptions {
  /** Cancel the engine's work and fail with QueryTimeoutError once the read has run this long. */
  timeoutMs?: number
}

/** A read ran past its time limit and the engine's work on it was cancelled. */
export class QueryTimeoutError extends Error {
  constructor(
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(
      `the query ran longer than its time limit of ${formatSeconds(timeoutMs)} and was cancelled; narrow the time range or the filters, or ask for fewer groups`,
      options,
    )
    this.name = 'QueryTimeoutError'
  }
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`
}

/** When a read must have answered by, and a signal that aborts then. */
export class TimeLimit {
  readonly signal: AbortSignal
  private readonly endsAt: number

  constructor(readonly timeoutMs: number) {
    if (!(timeoutMs >= 0)) throw new RangeError(`a time limit must be 0 ms or more, not ${timeoutMs}`)
    this.endsAt = performance.now() + timeoutMs
    this.signal = AbortSignal.timeout(timeoutMs)
  }

  /** The limit of a read with these options; undefined when it has none. */
  static of(options: QueryOptions | undefined): TimeLimit | undefined {
    return options?.timeoutMs === undefined ? undefined : new TimeLimit(options.timeoutMs)
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - performance.now())
  }

  /** True once the time is up (the signal may fire a little later: timers wait for the event loop). */
  get expired(): boolean {
    return this.signal.aborted || this.remainingMs() === 0
  }

  /** Throws QueryTimeoutError when the time is up: no statement starts past the limit. */
  check(): void {
    if (this.expired) throw this.error()
  }

  error(cause?: unknown): QueryTimeoutError {
    return new QueryTimeoutError(this.timeoutMs, cause === undefined ? undefined : { cause })
  }
}
