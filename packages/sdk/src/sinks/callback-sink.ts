import type { CostEvent } from '../cost-event.js'
import type { Sink } from './sink.js'

/** Hands every event to a function (tests, custom pipelines). An exception in it is swallowed and counted. */
export function callbackSink(callback: (event: CostEvent) => void): Sink {
  let sent = 0
  let dropped = 0
  return {
    write(events) {
      for (const event of events) {
        try {
          callback(event)
          sent++
        } catch {
          dropped++
        }
      }
    },
    async flush() {},
    stats: () => ({ sent, pending: 0, dropped, failedAttempts: 0 }),
  }
}
