export { tagCall } from './call-options.js'
export { currentTags, withTags } from './context.js'
export {
  ATTRIBUTION_FIELDS,
  type AttributionField,
  type CallStatus,
  type CostEvent,
  type PricingStatus,
  type Tags,
  UNATTRIBUTED,
  USAGE_FIELDS,
  type Usage,
} from './cost-event.js'
export { MissingTagsError, SpendlensError } from './errors.js'
export type { CustomModelPrice, PriceDiscount, PricingConfig } from './pricing/price-usage.js'
export { callbackSink } from './sinks/callback-sink.js'
export { type HttpSinkOptions, httpSink } from './sinks/http-sink.js'
export type { Sink, SinkStats } from './sinks/sink.js'
export { type StoreRow, toStoreRow } from './store-row.js'
export { createTracker, type Tracker, type TrackerOptions } from './tracker.js'
export type { WrapOptions } from './wrap/wrap-client.js'

import type { Tags } from './cost-event.js'
import { createTracker, type Tracker, type TrackerOptions } from './tracker.js'
import type { WrapOptions } from './wrap/wrap-client.js'

let defaultTracker: Tracker | undefined

function tracker(): Tracker {
  if (!defaultTracker) {
    defaultTracker = createTracker()
    flushOnExit(defaultTracker)
  }
  return defaultTracker
}

// `beforeExit` fires when the event loop is empty: the flush's own requests then keep the process
// alive just long enough to deliver. A process ended by process.exit() or a signal skips it.
function flushOnExit(target: Tracker) {
  process.once('beforeExit', () => {
    target.flush().catch(() => undefined)
  })
}

/** Configures the default tracker used by {@link wrap} and {@link flush}. Call once at start-up. */
export function init(options: TrackerOptions = {}): Tracker {
  defaultTracker = createTracker(options)
  flushOnExit(defaultTracker)
  return defaultTracker
}

/**
 * Returns `client` (official OpenAI or Anthropic) with the same behaviour and type; every call of a
 * supported method becomes a priced cost event carrying `tags`.
 */
export function wrap<T extends object>(client: T, tags?: Tags, options?: WrapOptions): T {
  return tracker().wrap(client, tags, options)
}

/** Waits until every pending event has been delivered (or given up on). Call it before a serverless handler returns. */
export function flush(): Promise<void> {
  return tracker().flush()
}
