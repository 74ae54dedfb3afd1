import { toStoreRow } from '../store-row.js'
import type { Sink } from './sink.js'

export interface StdoutSinkOptions {
  /** Where the lines go. Default `process.stdout`. */
  stream?: { write(chunk: string): unknown }
}

/**
 * Writes one JSON line per event with the store's column names ({@link toStoreRow}: `unattributed`
 * for a missing attribution, `cost_nanos` as an integer), so a log shipper such as Vector or Fluent
 * Bit can load the lines into ClickHouse without spendlens in between. Each batch is one `write`
 * as it arrives, so nothing waits in the sink; on Linux, writes to a pipe or file are synchronous.
 */
export function stdoutSink(options: StdoutSinkOptions = {}): Sink {
  let sent = 0
  let dropped = 0
  return {
    write(events) {
      if (events.length === 0) return
      let text = ''
      for (const event of events) text += `${JSON.stringify(toStoreRow(event))}\n`
      try {
        ;(options.stream ?? process.stdout).write(text)
        sent += events.length
      } catch {
        dropped += events.length
      }
    },
    async flush() {},
    flushSync() {},
    stats: () => ({ sent, pending: 0, dropped, failedAttempts: 0 }),
  }
}
