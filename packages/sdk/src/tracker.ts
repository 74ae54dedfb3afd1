import { buildCostEvent, type CallRecord } from './build-cost-event.js'
import type { CostEvent, Tags } from './cost-event.js'
import { httpSink } from './sinks/http-sink.js'
import type { Sink } from './sinks/sink.js'
import { wrapClient } from './wrap/wrap-client.js'

export interface TrackerOptions {
  /** spendlens server URL for the default HTTP sink. Default: $SPENDLENS_ENDPOINT or http://localhost:4600. */
  endpoint?: string
  apiKey?: string
  /** Replaces the default HTTP sink. Events go to every sink given. */
  sinks?: Sink[]
  /** Tags on every event of this tracker (e.g. `{ environment: 'production' }`). Lowest precedence. */
  tags?: Tags
  /** Called for spendlens' own problems (never thrown into your code). Default: console.warn, once per kind. */
  onWarning?: (message: string) => void
}

export interface Tracker {
  /** Returns `client` with the same behaviour and type; every supported call becomes a cost event. */
  wrap<T extends object>(client: T, tags?: Tags): T
  /** Records an observed call. Returns at once; pricing and delivery happen off the caller's path. */
  record(call: CallRecord): void
  /** Prices pending calls and waits until every sink has delivered (or given up on) them. */
  flush(): Promise<void>
  readonly sinks: readonly Sink[]
  readonly defaultTags: Tags
  warn(message: string): void
}

export function createTracker(options: TrackerOptions = {}): Tracker {
  const warned = new Set<string>()
  const onWarning =
    options.onWarning ??
    ((message: string) => {
      if (warned.has(message)) return
      warned.add(message)
      console.warn(`[spendlens] ${message}`)
    })
  // Warnings are best effort: a throwing handler must not escape into the host app.
  const warn = (message: string) => {
    try {
      onWarning(message)
    } catch {}
  }
  const sinks = options.sinks ?? [
    httpSink({
      endpoint: options.endpoint ?? process.env.SPENDLENS_ENDPOINT ?? 'http://localhost:4600',
      apiKey: options.apiKey ?? process.env.SPENDLENS_API_KEY,
      onWarning: warn,
    }),
  ]
  let pending: CallRecord[] = []
  let scheduled = false

  // Pricing a call costs ~20 µs in the catalog; doing it here, after the caller's await has
  // resolved, keeps it off the caller's path.
  function drain() {
    scheduled = false
    const calls = pending
    pending = []
    if (calls.length === 0) return
    const events: CostEvent[] = []
    for (const call of calls) {
      try {
        const event = buildCostEvent(call)
        // Only a successful call without a price points at a gap in the catalog; a failed or
        // abandoned call is unpriced because its usage never arrived.
        if (event.pricing_status === 'unpriced' && event.status === 'ok')
          warn(`no price known for ${event.provider}/${event.model}; its cost is recorded as unknown`)
        events.push(event)
      } catch (error) {
        warn(`could not build a cost event: ${String(error)}`)
      }
    }
    for (const sink of sinks) {
      try {
        sink.write(events)
      } catch (error) {
        warn(`a sink failed: ${String(error)}`)
      }
    }
  }

  const tracker: Tracker = {
    sinks,
    defaultTags: options.tags ?? {},
    warn,
    wrap: (client, tags) => wrapClient(client, tracker, tags),
    record(call) {
      pending.push(call)
      if (!scheduled) {
        scheduled = true
        setImmediate(drain)
      }
    },
    async flush() {
      drain()
      await Promise.all(sinks.map((sink) => sink.flush().catch(() => undefined)))
    },
  }
  return tracker
}
