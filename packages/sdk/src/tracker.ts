import {
  type BudgetGuard,
  type BudgetOptions,
  createBudgetGuard,
  NO_BUDGETS,
} from './budgets/budget-guard.js'
import type { CostEvent, Tags } from './cost-event.js'
import { flushOnExit } from './flush-on-exit.js'
import { createPricer, type PricingConfig } from './pricing/price-usage.js'
import { ContainerMemory } from './providers/openai/container-memory.js'
import { buildCostEvent, type CallRecord } from './record/build-cost-event.js'
import type { Recorder } from './record/recorder.js'
import { applyTagPolicy, type TagPolicy } from './required-tags.js'
import type { SpoolOptions } from './sinks/disk-spool.js'
import { httpSink } from './sinks/http-sink.js'
import type { Sink } from './sinks/sink.js'
import { type WrapOptions, wrapClient } from './wrap/wrap-client.js'

export interface TrackerOptions {
  /** spendlens server URL for the default HTTP sink. Default: $SPENDLENS_ENDPOINT or http://localhost:4600. */
  endpoint?: string
  apiKey?: string
  /** Replaces the default HTTP sink. Events go to every sink given. */
  sinks?: Sink[]
  /** The default HTTP sink's disk spool (folder, size limit), or `false` for none. See docs/sdk.md. */
  spool?: SpoolOptions | false
  /** Tags on every event of this tracker (e.g. `{ environment: 'production' }`). Lowest precedence. */
  tags?: Tags
  /** Called for spendlens' own problems (never thrown into your code). Default: console.warn, once per kind. */
  onWarning?: (message: string) => void
  /** Tags every call must carry, e.g. `['feature', 'customer_id']`. Default: none. */
  requiredTags?: string[]
  /**
   * A call missing a required tag: `unattributed` (default) records it with that value and warns
   * once per call site; `throw` raises MissingTagsError at the call site before anything is sent
   * (recommended in development and tests).
   */
  onMissingTags?: TagPolicy['onMissingTags']
  /**
   * Derive a `prompt_id` from a hash of the system prompt / instructions when a call has none.
   * Only the hash is kept, never the text. Default: false.
   */
  hashPrompts?: boolean
  /** Custom prices (models the catalog lacks, negotiated rates) and discounts, applied at call time. */
  pricing?: PricingConfig
  /**
   * Enforce the project's budgets before each call (docs/budgets.md): `true` for the defaults, or
   * options. State is fetched from the server (`endpoint`, `apiKey`) in the background. Default off.
   */
  budgets?: boolean | BudgetOptions
}

/** What an app holds: wrapped clients come from it, and it flushes their events. */
export interface Tracker {
  /** Returns `client` with the same behaviour and type; every supported call becomes a cost event. */
  wrap<T extends object>(client: T, tags?: Tags, options?: WrapOptions): T
  /**
   * Prices pending calls and waits until every sink has delivered (or given up on) them, and the
   * server has the counts of the calls the budgets refused (or could not be reached).
   */
  flush(): Promise<void>
  /**
   * Fetches the budgets now and resolves once the server answered or failed (never rejects):
   * in a short-lived process, await it once before the first call. Resolves at once when budgets are off.
   */
  refreshBudgets(): Promise<void>
}

/** How long a finished call waits to be built with the calls after it, at most. */
const DRAIN_DELAY_MS = 20
/** How many finished calls are built together at most: past it, at the next turn. */
const DRAIN_BATCH = 500

/** Each tracker's recorder: the part wrapped clients and the AI SDK middleware use, kept off the public type. */
const recorders = new WeakMap<Tracker, Recorder>()

/** The recorder behind a tracker made by createTracker; undefined for any other object. */
export function recorderOf(tracker: Tracker): Recorder | undefined {
  return recorders.get(tracker)
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
  const endpoint = options.endpoint ?? process.env.SPENDLENS_ENDPOINT ?? 'http://localhost:4600'
  const apiKey = options.apiKey ?? process.env.SPENDLENS_API_KEY
  const budgets: BudgetGuard = options.budgets
    ? createBudgetGuard({
        ...(options.budgets === true ? {} : options.budgets),
        endpoint,
        apiKey,
        // The default sink says when the server has a call; other sinks do not, so a call counts
        // locally for a few seconds instead.
        acknowledged: options.sinks === undefined,
        // Near a limit, the default sink sends at once rather than at its next batch.
        onNearLimit:
          options.sinks === undefined ? () => void defaultSink?.flush().catch(() => undefined) : undefined,
        warn,
      })
    : NO_BUDGETS
  const defaultSink: Sink | undefined = options.sinks
    ? undefined
    : httpSink({
        endpoint,
        apiKey,
        spool: options.spool,
        onWarning: warn,
        ...(budgets.enabled ? { onDelivered: budgets.delivered } : {}),
      })
  const sinks = options.sinks ?? [defaultSink as Sink]
  const pricer = createPricer(options.pricing)
  const tagPolicy: TagPolicy = {
    requiredTags: options.requiredTags ?? [],
    onMissingTags: options.onMissingTags ?? 'unattributed',
  }
  let pending: CallRecord[] = []
  /** A drain is due at the next turn of the event loop. */
  let immediate = false
  /** A drain is due DRAIN_DELAY_MS after the first call waiting. */
  let timer: ReturnType<typeof setTimeout> | undefined

  // Building and pricing events happens here, off the caller's path, for the calls of the last few
  // milliseconds together: built one at a time between two calls, an event costs several times the
  // CPU it costs in a loop, its code and the catalog's entries being out of the caches by then
  // (bench/README.md, bench:sdk).
  function drain() {
    immediate = false
    if (timer) {
      clearTimeout(timer)
      timer = undefined
    }
    const calls = pending
    pending = []
    if (calls.length === 0) return
    const events: CostEvent[] = []
    for (const call of calls) {
      let event: CostEvent | undefined
      try {
        event = buildCostEvent(call, pricer)
        // Only a successful call without a price points at a gap in the catalog; a failed or
        // abandoned call is unpriced because its usage never arrived.
        if (event.pricing_status === 'unpriced' && event.status === 'ok')
          warn(`no price known for ${event.provider}/${event.model}; its cost is recorded as unknown`)
        events.push(event)
      } catch (error) {
        warn(`could not build a cost event: ${String(error)}`)
      }
      try {
        budgets.recorded(call, event)
      } catch (error) {
        warn(`budgets could not count a call: ${String(error)}`)
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

  const recorder: Recorder = {
    sinks,
    budgets,
    containers: new ContainerMemory(),
    defaultTags: options.tags ?? {},
    hashPrompts: options.hashPrompts ?? false,
    warn,
    applyTagPolicy: (tags) =>
      tagPolicy.requiredTags.length === 0 ? tags : applyTagPolicy(tags, tagPolicy, warn),
    record(call) {
      pending.push(call)
      // With budgets on, a call's spend counts locally (and releases its hold) at the next turn: the
      // next call's admission reads it. Otherwise calls wait a few milliseconds to be built together.
      if (budgets.enabled || pending.length >= DRAIN_BATCH) {
        if (!immediate) {
          immediate = true
          setImmediate(drain)
        }
      } else if (!timer) {
        // Not keeping the process alive: the exit hooks drain what is left (flush-on-exit.ts).
        timer = setTimeout(drain, DRAIN_DELAY_MS)
        timer.unref?.()
      }
    },
    async flush() {
      drain()
      await Promise.all([
        ...sinks.map((sink) => sink.flush().catch(() => undefined)),
        budgets.flush().catch(() => undefined),
      ])
    },
    flushSync() {
      drain()
      for (const sink of sinks) {
        try {
          sink.flushSync?.()
        } catch (error) {
          warn(`a sink failed: ${String(error)}`)
        }
      }
    },
  }
  const tracker: Tracker = {
    wrap: (client, tags, wrapOptions) => wrapClient(client, recorder, tags, wrapOptions),
    flush: recorder.flush,
    refreshBudgets: budgets.refresh,
  }
  recorders.set(tracker, recorder)
  // Every tracker is flushed on beforeExit, exit, SIGTERM and SIGINT (see flush-on-exit.ts). The
  // exit hooks hold it weakly, so they get the recorder: every wrapped client and middleware call
  // keeps the recorder alive, even when the app has let go of the tracker itself.
  flushOnExit(recorder)
  return tracker
}
