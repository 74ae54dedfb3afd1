import type { CostEvent } from 'spendlens'
import type { AppendResult, AppendStatus } from '../store/store.js'

/** What one flush did: how many requests it served and what became of their events. */
export interface FlushReport {
  requests: number
  events: number
  inserted: number
  replaced: number
  duplicates: number
  /** Kept in the store's outage buffer, to be stored when its engine is back (AppendStatus). */
  buffered: number
  ms: number
}

/** How a buffer counts events in a batch and joins batches (arrays of events unless told). */
export interface BatchKind<B> {
  size(batch: B): number
  merge(batches: B[]): B
}

const EVENT_ARRAYS: BatchKind<readonly CostEvent[]> = {
  size: (batch) => batch.length,
  merge: (batches) => batches.flat(),
}

export interface IngestBufferOptions<B = readonly CostEvent[]> {
  /** For batches other than arrays of events, e.g. encoded events (concatEncoded). */
  kind?: BatchKind<B>
  /**
   * A flush takes waiting batches until it holds this many events (default 50,000); a single
   * larger batch is flushed on its own, whole.
   */
  maxEvents?: number
  /**
   * Flushes handed to the store at once (default 4): the DuckDB store prepares one batch while it
   * commits the ones before.
   */
  inFlight?: number
  /** Told about every flush (logs, metrics, tests). */
  onFlush?: (report: FlushReport) => void
}

/** An `append` that coalesces concurrent batches into one store append; `close` waits for the last flush. */
export interface IngestBuffer<B = readonly CostEvent[]> {
  append(batch: B): Promise<AppendResult>
  close(): Promise<void>
}

interface Waiting<B> {
  events: B
  size: number
  resolve(result: AppendResult): void
  reject(error: unknown): void
}

/**
 * Group commit in front of a store. Each store append has a fixed cost (a transaction, a staging
 * round trip, the rollup's update), so many small concurrent requests are cheaper as one: while
 * flushes run, arriving batches wait, and the next flush takes all of them. An idle buffer flushes
 * at once (on the next turn of the event loop, so batches decoded in the same turn go together),
 * so a lone request waits for nobody. Each caller gets the statuses of its own events, in order;
 * if the store fails, every caller in that flush gets the error and nothing of that flush is
 * stored (the store appends in one transaction).
 *
 * Dedupe stays exact: the store sees the coalesced events in arrival order, so an event_id sent
 * twice in one flush counts once, the latest ts winning, as it would across two appends.
 */
export function createIngestBuffer<B = readonly CostEvent[]>(
  store: { append(batch: B): Promise<AppendResult> },
  options: IngestBufferOptions<B> = {},
): IngestBuffer<B> {
  const kind = options.kind ?? (EVENT_ARRAYS as unknown as BatchKind<B>)
  const maxEvents = options.maxEvents ?? 50_000
  const maxInFlight = options.inFlight ?? 4
  let waiting: Waiting<B>[] = []
  let inFlight = 0
  let scheduled = false
  const idle: (() => void)[] = []

  function take(): Waiting<B>[] {
    let count = 0
    let events = 0
    while (
      count < waiting.length &&
      (count === 0 || events + (waiting[count] as Waiting<B>).size <= maxEvents)
    ) {
      events += (waiting[count] as Waiting<B>).size
      count++
    }
    const flush = waiting.slice(0, count)
    waiting = waiting.slice(count)
    return flush
  }

  function pump() {
    scheduled = false
    while (waiting.length > 0 && inFlight < maxInFlight) {
      inFlight++
      void flushOnce(take()).finally(() => {
        inFlight--
        if (waiting.length > 0) pump()
        else if (inFlight === 0) for (const resolve of idle.splice(0)) resolve()
      })
    }
  }

  async function flushOnce(flush: Waiting<B>[]) {
    const started = performance.now()
    const events =
      flush.length === 1 ? (flush[0] as Waiting<B>).events : kind.merge(flush.map((entry) => entry.events))
    const size = flush.reduce((sum, entry) => sum + entry.size, 0)
    let statuses: AppendStatus[]
    try {
      statuses = (await store.append(events)).statuses
    } catch (error) {
      for (const entry of flush) entry.reject(error)
      return
    }
    let offset = 0
    for (const entry of flush) {
      entry.resolve({ statuses: statuses.slice(offset, offset + entry.size) })
      offset += entry.size
    }
    if (options.onFlush) {
      let inserted = 0
      let replaced = 0
      let buffered = 0
      for (const status of statuses) {
        if (status === 'inserted') inserted++
        else if (status === 'replaced') replaced++
        else if (status === 'buffered') buffered++
      }
      options.onFlush({
        requests: flush.length,
        events: size,
        inserted,
        replaced,
        duplicates: size - inserted - replaced - buffered,
        buffered,
        ms: performance.now() - started,
      })
    }
  }

  return {
    append(events) {
      const size = kind.size(events)
      if (size === 0) return Promise.resolve({ statuses: [] })
      return new Promise<AppendResult>((resolve, reject) => {
        waiting.push({ events, size, resolve, reject })
        // On the next turn, so batches decoded in this one go together.
        if (!scheduled && inFlight < maxInFlight) {
          scheduled = true
          setImmediate(pump)
        }
      })
    },
    close() {
      if (inFlight === 0 && waiting.length === 0) return Promise.resolve()
      return new Promise<void>((resolve) => idle.push(resolve))
    },
  }
}
