import type { CostEvent } from '../cost-event.js'

/** Where events go. `write` must return at once (no awaited I/O); `flush` drains what is pending. */
export interface Sink {
  write(events: readonly CostEvent[]): void
  flush(): Promise<void>
  /**
   * Makes what is pending durable before the process dies, synchronously (the only work possible
   * in an `exit` handler or before a signal ends the process): writes it to disk or to the stream.
   */
  flushSync?(): void
  /** Counters for what the sink did, for diagnostics and tests. */
  stats?(): SinkStats
}

export interface SinkStats {
  sent: number
  /** Not yet delivered: in memory, in flight, or in the disk spool. */
  pending: number
  dropped: number
  failedAttempts: number
  /** Of `pending`, the events waiting in the disk spool (sinks that have one). */
  spooled?: number
}
