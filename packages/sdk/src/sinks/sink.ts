import type { CostEvent } from '../cost-event.js'

/** Where events go. `write` must return at once (no awaited I/O); `flush` drains what is pending. */
export interface Sink {
  write(events: readonly CostEvent[]): void
  flush(): Promise<void>
  /** Counters for what the sink did, for diagnostics and tests. */
  stats?(): SinkStats
}

export interface SinkStats {
  sent: number
  pending: number
  dropped: number
  failedAttempts: number
}
