import { ATTRIBUTION_FIELDS, type CostEvent, type Tags } from '../cost-event.js'
import { BudgetExceededError, BudgetUnavailableError, type ExceededBudget, usd } from '../errors.js'
import {
  type CallFacts,
  type CompiledFilter,
  compileFilters,
  dimensionValue,
  factsOfEvent,
  inScope,
} from './budget-scope.js'
import { BUDGET_STATE_AGE_HEADER, type BudgetsAnswer, type WireBudget } from './budget-wire.js'

/** What a call is, as the app's budget handler sees it: enough to choose a cheaper model. */
export interface BudgetedCall {
  provider: string
  operation: string
  /** The model the call asked for. */
  model: string | null
  tags: Tags
}

/**
 * What the app's handler decides for a call a spent budget covers: go on with another model
 * (`{ model: 'gpt-4o-mini' }`; in the AI SDK middleware, a model object such as
 * `openai('gpt-4o-mini')`), or go on unchanged (`{ allow: true }`). Returning nothing blocks the
 * call: the BudgetExceededError is thrown.
 */
export type BudgetResolution = { model: string | object } | { allow: true }

/** Called, synchronously, before a call that a spent `block` budget covers. */
export type BudgetExceededHandler = (
  error: BudgetExceededError,
  call: BudgetedCall,
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing (void) blocks the call
) => BudgetResolution | undefined | void

/** `budgets` in `init()` / `createTracker()` (docs/budgets.md). */
export interface BudgetOptions {
  /** How often the budgets are fetched from the server. Default 5,000 ms. */
  intervalMs?: number
  /**
   * How often while a `block` budget that this process spends against is past `nearLimitShare` of
   * its amount (and not yet spent): the closer to the limit, the fresher the state. Default 500 ms.
   */
  nearLimitIntervalMs?: number
  /** Default 0.8. */
  nearLimitShare?: number
  /**
   * What a call a spent `block` budget covers does: `throw` a BudgetExceededError at the call site
   * (default), `warn` and go on, or ask a handler (which may switch to a cheaper model).
   */
  onExceeded?: 'throw' | 'warn' | BudgetExceededHandler
  /**
   * Refuse calls when the budgets are unknown: no successful fetch for `staleAfterMs`. Default false
   * (fail open: an unreachable server never blocks a call by itself).
   */
  failClosed?: boolean
  /** How long without a successful fetch before failing closed. Default 30,000 ms. */
  staleAfterMs?: number
  /**
   * Count each call in flight against the budgets it falls under at the cost such calls have had
   * until it ends, so that a burst of concurrent calls cannot all pass a budget with room for one.
   * Default true.
   */
  reserveInFlight?: boolean
  /**
   * Count what other processes are likely to have spent under a `block` budget since the server's
   * last answer: the project's rate under it (from the server's answers) less this process's own,
   * over the time since the server read its spend plus the time a call takes to reach the server
   * (as this process's own calls take). Near a limit this is most of what the server cannot yet
   * know. Default true.
   */
  estimateOthers?: boolean
  /** The `fetch` to ask the server with (tests, proxies). Default: the global one. */
  fetch?: typeof globalThis.fetch
  /** The clock (tests). Default Date.now. */
  now?: () => number
}

/**
 * What a call can be switched to: a model id (the wrapped clients: it goes in the request's
 * `model`), or a model object (the AI SDK middleware: it is called instead).
 */
export type ModelKind = 'id' | 'object'

/** What the guard says about one call about to be made. */
export interface Admission {
  /** Set when the app's handler switched the call to another model. */
  model?: string | object
}

/** The SDK's side of budgets: the state it fetched, its own spend since, and the check before each call. */
export interface BudgetGuard {
  /** True when budgets are on. */
  readonly enabled: boolean
  /**
   * The check before a call, synchronous over local state. Throws BudgetExceededError (or
   * BudgetUnavailableError when failing closed); may answer a model to switch to. Holds the call's
   * estimated cost against its budgets until `recorded` releases it.
   */
  admit(facts: CallFacts, holder: object, switchable: ModelKind): Admission | undefined
  /** A call's event was built: its cost counts locally until the server has it. Releases its hold. */
  recorded(holder: object, event: CostEvent | undefined): void
  /** The server acknowledged these events (the HTTP sink's `onDelivered`). */
  delivered(eventIds: readonly string[]): void
  /**
   * Whether a request with these tags is refused as a whole (the HTTP middlewares): by a spent
   * `block` budget whose every filter is on the tags given and matches them.
   */
  blocking(tags: Tags): BudgetExceededError | BudgetUnavailableError | undefined
  /** Fetches now; resolves once answered or failed (never rejects). */
  refresh(): Promise<void>
  /** The guard's clock (BudgetOptions.now): resets and Retry-After are counted on it. */
  now(): number
  /** Whether the guard consults a handler that may switch models, and which way it fails. */
  readonly onExceeded: NonNullable<BudgetOptions['onExceeded']>
  stop(): void
}

/** Budgets off: every check passes, at the cost of a call. */
export const NO_BUDGETS: BudgetGuard = {
  enabled: false,
  admit: () => undefined,
  recorded() {},
  delivered() {},
  blocking: () => undefined,
  refresh: () => Promise.resolve(),
  now: Date.now,
  onExceeded: 'throw',
  stop() {},
}

/** One budget as this process tracks it. */
interface Tracked {
  wire: WireBudget
  filters: CompiledFilter[]
  limitNanos: number
  /** The server's count of the period's spend at its last answer. */
  serverNanos: number
  /** This process's spend not yet in serverNanos (its calls recorded, not yet counted by the server). */
  localNanos: number
  /** Of localNanos: spend of entries dropped from memory, kept until the period changes. */
  carriedNanos: number
  /** Estimated cost of this process's calls in flight. */
  reservedNanos: number
  /** A running mean of this process's calls' cost under this budget, what a call in flight reserves. */
  estimateNanos: number
  /** Server clock, epoch ms. */
  periodStart: number
  resetsAt: number
  /** The project's spend rate under this budget, from the server's last answers (nano-dollars a ms). */
  rateNanosPerMs: number
  /** The server's clock at its last answer, for the rate. */
  asOf: number
  /** Of rateNanosPerMs, the other processes' part: the server's count's growth less this process's calls in it. */
  othersRateNanosPerMs: number
  /** Local clock: the latest the server can have read the spend of its last answer. */
  readAt: number
}

/** One recorded call's cost, counted locally until the server's answer holds it. */
interface Pending {
  nanos: number
  budgetIds: string[]
  /** Local clock, epoch ms. */
  recordedAt: number
  /** When the server had it: acknowledged (local clock), or assumed; null while not yet. */
  settledAt: number | null
}

const ATTRIBUTION = new Set<string>(ATTRIBUTION_FIELDS)

/** Pending entries kept at most; beyond, the oldest are folded into their budgets' carried spend. */
const MAX_PENDING = 50_000
/** Without acknowledgements (a tracker with sinks of its own), a call counts locally this long. */
const ASSUMED_DELIVERY_MS = 5_000
/** A hold older than this is a call that never ended (a stream never read): it is let go. */
const MAX_HOLD_MS = 10 * 60_000
const ESTIMATE_WEIGHT = 0.2
/** A running mean: the newest sample weighs RATE_WEIGHT. */
const smooth = (mean: number, sample: number) => (mean === 0 ? sample : mean + RATE_WEIGHT * (sample - mean))
/** Other processes' rate is counted once it is more than this share of the whole. */
const OTHERS_NOISE = 0.1
/** The time a call takes to reach the server, until this process has measured its own. */
const ASSUMED_INGEST_LAG_MS = 1_000
/** Weight of the newest rate in the running rate of a budget's spend. */
const RATE_WEIGHT = 0.5
/** The next answer is wanted before the budget's rate could spend this share of what is left. */
const RATE_SHARE = 0.1

export interface BudgetGuardOptions extends BudgetOptions {
  /** The server's base URL. */
  endpoint: string
  apiKey?: string
  /** Whether the tracker's sink reports acknowledgements (`delivered`); else deliveries are assumed. */
  acknowledged: boolean
  /**
   * Called (at most every `nearLimitIntervalMs`) while a budget is near its limit: the tracker sends
   * its events now rather than at the sink's next batch, so other processes learn of them sooner.
   */
  onNearLimit?: () => void
  warn(message: string): void
}

/**
 * Budget enforcement in the app's process (docs/budgets.md). State comes from `GET /v1/budgets` in
 * the background (conditional requests, every `intervalMs`, every `nearLimitIntervalMs` near a
 * limit); this process adds its own spend since, call by call, until the server's answer holds it
 * (the HTTP sink acknowledges each batch; a call acknowledged before the server computed its answer
 * is in it). The check before a call is synchronous: an index from the calls' values to the
 * `block` budgets that name them, and a sum.
 */
export function createBudgetGuard(options: BudgetGuardOptions): BudgetGuard {
  const url = `${options.endpoint.replace(/\/+$/, '')}/v1/budgets`
  const now = options.now ?? Date.now
  const fetchFn = options.fetch ?? globalThis.fetch
  const intervalMs = options.intervalMs ?? 5_000
  const nearIntervalMs = Math.min(intervalMs, options.nearLimitIntervalMs ?? 500)
  const nearShare = options.nearLimitShare ?? 0.8
  const staleAfterMs = options.staleAfterMs ?? 30_000
  const failClosed = options.failClosed ?? false
  const reserve = options.reserveInFlight ?? true
  const estimateOthers = options.estimateOthers ?? true
  const onExceeded = options.onExceeded ?? 'throw'
  const headers: Record<string, string> = { accept: 'application/json' }
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`

  const budgets = new Map<string, Tracked>()
  /** `block` budgets by the first value they require (dimension → value → budgets), and those that require none. */
  let index = new Map<string, Map<string, Tracked[]>>()
  let unindexed: Tracked[] = []
  let blockCount = 0
  const pending = new Map<string, Pending>()
  const holds = new WeakMap<object, { at: number; parts: [Tracked, number][] }>()
  /** Holds by time, to let go of calls that never end. */
  const holders: { at: number; holder: WeakRef<object> }[] = []
  /** Server clock minus local clock, from the answers' `as_of`. */
  let offsetMs = 0
  /**
   * How long this process's calls take to be stored by the server (from priced to acknowledged): what
   * another process's calls are assumed to take too. One sink interval until measured.
   */
  let ingestLagMs = ASSUMED_INGEST_LAG_MS
  let etag: string | undefined
  let lastSuccessAt: number | null = null
  const startedAt = now()
  let timer: ReturnType<typeof setTimeout> | undefined
  /** When the timer's fetch is due (local clock). */
  let timerAt = 0
  /** When onNearLimit was last called. */
  let nudgedAt = Number.NEGATIVE_INFINITY
  let inFlight: Promise<void> | undefined
  let stopped = false
  const warned = new Set<string>()

  const warnOnce = (key: string, message: string) => {
    if (warned.has(key)) return
    warned.add(key)
    options.warn(message)
  }

  function rebuildIndex() {
    index = new Map()
    unindexed = []
    blockCount = 0
    for (const tracked of budgets.values()) {
      if (tracked.wire.action !== 'block') continue
      blockCount++
      const first = tracked.filters.find((filter) => filter.op !== 'not_in')
      if (!first) {
        unindexed.push(tracked)
        continue
      }
      let byValue = index.get(first.dimension)
      if (!byValue) {
        byValue = new Map()
        index.set(first.dimension, byValue)
      }
      for (const value of first.values) {
        const list = byValue.get(value)
        if (list) list.push(tracked)
        else byValue.set(value, [tracked])
      }
    }
  }

  /** Past its reset with no newer answer: the period starts over, with only what this process spent since. */
  function roll(tracked: Tracked, serverNow: number) {
    if (serverNow < tracked.resetsAt) return
    const length = tracked.resetsAt - tracked.periodStart
    while (serverNow >= tracked.resetsAt) {
      tracked.periodStart = tracked.resetsAt
      // An estimate until the server says (months and DST days differ in length).
      tracked.resetsAt += length
    }
    tracked.serverNanos = 0
    tracked.carriedNanos = 0
    recount(tracked)
  }

  /** localNanos from the pending entries of the budget's current period. */
  function recount(tracked: Tracked) {
    let total = tracked.carriedNanos
    for (const entry of pending.values())
      if (entry.recordedAt + offsetMs >= tracked.periodStart && entry.budgetIds.includes(tracked.wire.id))
        total += entry.nanos
    tracked.localNanos = total
  }

  /**
   * What a budget has spent, as far as this process can tell at `at`: the server's count, this
   * process's spend and holds since, and (estimateOthers) the other processes' likely spend since the
   * server read its count, including what is still on its way to the server.
   */
  function spentNanos(tracked: Tracked, at = now()): number {
    let total = tracked.serverNanos + tracked.localNanos + tracked.reservedNanos
    if (estimateOthers && tracked.wire.action === 'block') {
      const othersPerMs = tracked.othersRateNanosPerMs
      // Below a tenth of the whole rate, it is measuring noise (one process alone). Over at most one
      // polling interval: with the server away the estimate does not grow without bound (failing
      // open means an unreachable server never blocks a call by itself).
      if (othersPerMs > OTHERS_NOISE * tracked.rateNanosPerMs)
        total += othersPerMs * (Math.min(intervalMs, Math.max(0, at - tracked.readAt)) + ingestLagMs)
    }
    return total
  }

  function exceeded(tracked: Tracked): ExceededBudget {
    return {
      id: tracked.wire.id,
      name: tracked.wire.name,
      scope: tracked.wire.filters,
      spentUsd: spentNanos(tracked) / 1e9,
      limitUsd: tracked.limitNanos / 1e9,
      resetsAt: new Date(tracked.resetsAt - offsetMs),
    }
  }

  /** The budget that keeps the call blocked longest comes first: it is the error's own. */
  const byReset = (a: ExceededBudget, b: ExceededBudget) => b.resetsAt.getTime() - a.resetsAt.getTime()

  function stale(at: number): boolean {
    return at - (lastSuccessAt ?? startedAt) > staleAfterMs
  }

  /** The `block` budgets a call falls under: the index's candidates, then every filter checked. */
  function covering(facts: CallFacts, visit: (tracked: Tracked) => void) {
    for (const [dimension, byValue] of index) {
      const value = dimensionValue(facts, dimension)
      const candidates = value === null ? undefined : byValue.get(value)
      if (candidates) for (const tracked of candidates) if (inScope(tracked.filters, facts)) visit(tracked)
    }
    for (const tracked of unindexed) if (inScope(tracked.filters, facts)) visit(tracked)
  }

  function resolve(
    error: BudgetExceededError,
    facts: CallFacts,
    switchable: ModelKind,
  ): Admission | undefined {
    if (onExceeded === 'throw') throw error
    if (onExceeded === 'warn') {
      // Once per budget and period: a warning per call would drown the log.
      for (const budget of error.budgets)
        warnOnce(
          `exceeded:${budget.id}:${budget.resetsAt.getTime()}`,
          `budget ${JSON.stringify(budget.name)} is spent (${usd(budget.spentUsd)} of ${usd(budget.limitUsd)}, resets at ${budget.resetsAt.toISOString()}); calls under it go ahead (onExceeded: 'warn')`,
        )
      return undefined
    }
    const decision = onExceeded(error, {
      provider: facts.provider,
      operation: facts.operation,
      model: facts.model,
      tags: facts.tags,
    })
    if (decision && typeof (decision as unknown as PromiseLike<unknown>).then === 'function') {
      warnOnce(
        'async-handler',
        'the onExceeded handler returned a promise; it must decide synchronously. The call was blocked.',
      )
      throw error
    }
    if (!decision) throw error
    if ('allow' in decision && decision.allow === true) return undefined
    if ('model' in decision && decision.model) {
      if (switchable === 'id' ? typeof decision.model === 'string' : isLanguageModel(decision.model))
        return { model: decision.model }
      warnOnce(
        `model-kind:${switchable}`,
        switchable === 'id'
          ? 'the onExceeded handler returned a model object; a wrapped client is switched with a model id (a string). The call was blocked.'
          : 'the onExceeded handler did not return an AI SDK model; the middleware is switched with a model object (e.g. openai("gpt-4o-mini")). The call was blocked.',
      )
    }
    throw error
  }

  function hold(holder: object, parts: [Tracked, number][], at: number) {
    if (parts.length === 0) return
    for (const [tracked, nanos] of parts) tracked.reservedNanos += nanos
    holds.set(holder, { at, parts })
    holders.push({ at, holder: new WeakRef(holder) })
  }

  function release(holder: object) {
    const held = holds.get(holder)
    if (!held) return
    holds.delete(holder)
    for (const [tracked, nanos] of held.parts)
      tracked.reservedNanos = Math.max(0, tracked.reservedNanos - nanos)
  }

  /** Lets go of holds of calls that never ended, and of holders already collected. */
  function sweepHolds(at: number) {
    while (holders.length > 0) {
      const first = holders[0] as { at: number; holder: WeakRef<object> }
      const holder = first.holder.deref()
      if (holder && holds.has(holder) && at - first.at < MAX_HOLD_MS) break
      holders.shift()
      if (holder) release(holder)
    }
  }

  /**
   * How soon the next answer is wanted: at `intervalMs`, unless a `block` budget this process
   * spends under could run out before then. Near its limit (past `nearLimitShare`), or when the
   * whole project's rate under it (from the server's last answers) would spend a tenth of what is
   * left within the interval, every `nearLimitIntervalMs`, or in between.
   */
  function nextIntervalMs(): number {
    let next = intervalMs
    for (const tracked of budgets.values()) {
      if (tracked.wire.action !== 'block' || tracked.estimateNanos === 0) continue
      const spent = spentNanos(tracked)
      if (spent >= tracked.limitNanos) continue
      if (spent >= nearShare * tracked.limitNanos) return nearIntervalMs
      if (tracked.rateNanosPerMs > 0)
        next = Math.min(next, (RATE_SHARE * (tracked.limitNanos - spent)) / tracked.rateNanosPerMs)
    }
    return Math.max(nearIntervalMs, next)
  }

  function schedule(delayMs: number) {
    if (stopped) return
    if (timer) clearTimeout(timer)
    timerAt = now() + delayMs
    timer = setTimeout(() => {
      timer = undefined
      void poll()
    }, delayMs)
    timer.unref?.()
  }

  function apply(answer: BudgetsAnswer | undefined, sentAt: number, receivedAt: number, ageMs: number) {
    // What the server acknowledged before it computed this answer is in it: no longer counted here,
    // and, per budget, this process's part of how much the server's count grew.
    const reference = sentAt - ageMs
    const counted = new Map<string, number>()
    for (const [id, entry] of pending) {
      if (entry.settledAt === null || entry.settledAt > reference) continue
      pending.delete(id)
      for (const budgetId of entry.budgetIds)
        counted.set(budgetId, (counted.get(budgetId) ?? 0) + entry.nanos)
    }
    if (answer) {
      const asOf = Date.parse(answer.as_of)
      if (Number.isFinite(asOf)) offsetMs = asOf + ageMs - (sentAt + receivedAt) / 2
      const seen = new Set<string>()
      for (const wire of answer.budgets) {
        seen.add(wire.id)
        const periodStart = Date.parse(wire.period_start)
        const existing = budgets.get(wire.id)
        const tracked: Tracked = existing ?? {
          wire,
          filters: [],
          limitNanos: 0,
          serverNanos: 0,
          localNanos: 0,
          carriedNanos: 0,
          reservedNanos: 0,
          estimateNanos: 0,
          periodStart,
          resetsAt: 0,
          rateNanosPerMs: 0,
          asOf,
          othersRateNanosPerMs: 0,
          readAt: sentAt - ageMs,
        }
        const serverNanos = Math.round(wire.spent_usd * 1e9)
        if (existing && existing.periodStart !== periodStart) {
          tracked.carriedNanos = 0
          tracked.rateNanosPerMs = 0
          tracked.othersRateNanosPerMs = 0
        } else if (existing && asOf > existing.asOf) {
          const elapsed = asOf - existing.asOf
          const grown = Math.max(0, serverNanos - existing.serverNanos)
          const others = Math.max(0, grown - (counted.get(wire.id) ?? 0))
          tracked.rateNanosPerMs = smooth(tracked.rateNanosPerMs, grown / elapsed)
          tracked.othersRateNanosPerMs = smooth(tracked.othersRateNanosPerMs, others / elapsed)
        }
        tracked.asOf = asOf
        tracked.readAt = sentAt - ageMs
        if (!existing || JSON.stringify(existing.wire.filters) !== JSON.stringify(wire.filters))
          tracked.filters = compileFilters(wire.filters)
        tracked.wire = wire
        tracked.limitNanos = Math.round(wire.limit_usd * 1e9)
        tracked.serverNanos = serverNanos
        tracked.periodStart = periodStart
        tracked.resetsAt = Date.parse(wire.resets_at)
        budgets.set(wire.id, tracked)
      }
      for (const id of [...budgets.keys()]) if (!seen.has(id)) budgets.delete(id)
      rebuildIndex()
    } else {
      // 304: the server read the same spend again, later.
      for (const tracked of budgets.values()) tracked.readAt = reference
    }
    for (const tracked of budgets.values()) recount(tracked)
    lastSuccessAt = receivedAt
  }

  async function fetchOnce(): Promise<void> {
    const sentAt = now()
    let retryAfterMs: number | undefined
    try {
      const response = await fetchFn(url, {
        headers: etag ? { ...headers, 'if-none-match': etag } : headers,
        signal: AbortSignal.timeout(Math.max(1000, Math.min(10_000, intervalMs))),
      })
      const receivedAt = now()
      const ageMs = Math.max(0, Number(response.headers.get(BUDGET_STATE_AGE_HEADER)) || 0)
      if (response.status === 304) {
        await response.body?.cancel()
        apply(undefined, sentAt, receivedAt, ageMs)
      } else if (response.ok) {
        const answer = (await response.json()) as BudgetsAnswer
        etag = response.headers.get('etag') ?? undefined
        apply(answer, sentAt, receivedAt, ageMs)
      } else {
        await response.body?.cancel()
        if (response.status === 429 || response.status === 503) {
          const seconds = Number(response.headers.get('retry-after'))
          if (Number.isFinite(seconds) && seconds > 0) retryAfterMs = seconds * 1000
        }
        if (response.status === 401 || response.status === 403)
          warnOnce(
            `budgets-${response.status}`,
            `the server refused the budgets request (${response.status}): budgets need an ingest key of the project (apiKey)`,
          )
        else if (response.status === 404)
          warnOnce(
            'budgets-404',
            'the server has no budgets endpoint (GET /v1/budgets); is it an older version?',
          )
      }
    } catch {
      // Unreachable: the state ages; failClosed decides what that means.
    } finally {
      sweepHolds(now())
      if (!stopped) schedule(retryAfterMs ?? nextIntervalMs())
    }
  }

  /** The timer's fetch: one at a time. */
  function poll(): Promise<void> {
    inFlight ??= fetchOnce().finally(() => {
      inFlight = undefined
    })
    return inFlight
  }

  /** A fetch that starts now, or as soon as the one in flight (sent before what the caller just did) ends. */
  function refresh(): Promise<void> {
    return inFlight ? inFlight.then(poll) : poll()
  }

  schedule(0)

  return {
    enabled: true,
    onExceeded,

    admit(facts, holder, switchable) {
      const at = now()
      if (stale(at) && failClosed) {
        let covered = lastSuccessAt === null
        if (!covered)
          covering(facts, () => {
            covered = true
          })
        if (covered) {
          const error = new BudgetUnavailableError(lastSuccessAt === null ? null : new Date(lastSuccessAt))
          if (onExceeded === 'warn') warnOnce(`unavailable:${lastSuccessAt}`, error.message)
          else throw error
        }
      }
      if (blockCount === 0) return undefined
      const serverNow = at + offsetMs
      let over: ExceededBudget[] | undefined
      let parts: [Tracked, number][] | undefined
      covering(facts, (tracked) => {
        roll(tracked, serverNow)
        if (spentNanos(tracked, at) >= tracked.limitNanos) {
          over ??= []
          over.push(exceeded(tracked))
        } else if (reserve && tracked.estimateNanos > 0) {
          parts ??= []
          parts.push([tracked, tracked.estimateNanos])
        }
      })
      let admission: Admission | undefined
      if (over) {
        admission = resolve(new BudgetExceededError(over.sort(byReset)), facts, switchable)
        // Switched to another model: the call is another call; its own budgets are checked once.
        if (admission?.model && typeof admission.model === 'string') {
          const switched = { ...facts, model: admission.model }
          parts = undefined
          let still: ExceededBudget[] | undefined
          covering(switched, (tracked) => {
            if (spentNanos(tracked, at) >= tracked.limitNanos) {
              if (over?.some((budget) => budget.id === tracked.wire.id)) return
              still ??= []
              still.push(exceeded(tracked))
            } else if (reserve && tracked.estimateNanos > 0) {
              parts ??= []
              parts.push([tracked, tracked.estimateNanos])
            }
          })
          if (still) throw new BudgetExceededError(still.sort(byReset))
        }
      }
      if (parts) hold(holder, parts, at)
      return admission
    },

    recorded(holder, event) {
      release(holder)
      if (!event || budgets.size === 0) return
      const nanos = event.cost_usd === null ? 0 : Math.round(event.cost_usd * 1e9)
      if (nanos <= 0) return
      const facts = factsOfEvent(event)
      const at = now()
      const ids: string[] = []
      for (const tracked of budgets.values()) {
        if (!inScope(tracked.filters, facts)) continue
        roll(tracked, at + offsetMs)
        ids.push(tracked.wire.id)
        tracked.localNanos += nanos
        tracked.estimateNanos =
          tracked.estimateNanos === 0
            ? nanos
            : tracked.estimateNanos + ESTIMATE_WEIGHT * (nanos - tracked.estimateNanos)
      }
      if (ids.length === 0) return
      const previous = pending.get(event.event_id)
      if (previous) {
        // The same logical request again (an idempotency key): its latest attempt replaces it.
        for (const id of previous.budgetIds) {
          const tracked = budgets.get(id)
          if (tracked) tracked.localNanos -= previous.nanos
        }
        pending.delete(event.event_id)
      }
      pending.set(event.event_id, {
        nanos,
        budgetIds: ids,
        recordedAt: at,
        settledAt: options.acknowledged ? null : at + ASSUMED_DELIVERY_MS,
      })
      if (pending.size > MAX_PENDING) {
        const [oldestId, oldest] = pending.entries().next().value as [string, Pending]
        pending.delete(oldestId)
        for (const id of oldest.budgetIds) {
          const tracked = budgets.get(id)
          if (tracked && oldest.recordedAt + offsetMs >= tracked.periodStart)
            tracked.carriedNanos += oldest.nanos
        }
      }
      // Near a limit, the next answer is wanted sooner, and the server should have this process's calls sooner.
      const wanted = nextIntervalMs()
      if (wanted < intervalMs) {
        if (timer && timerAt - at > wanted) schedule(wanted)
        if (at - nudgedAt >= nearIntervalMs) {
          nudgedAt = at
          options.onNearLimit?.()
        }
      }
    },

    delivered(eventIds) {
      const at = now()
      for (const id of eventIds) {
        const entry = pending.get(id)
        if (!entry || entry.settledAt !== null) continue
        entry.settledAt = at
        ingestLagMs += RATE_WEIGHT * (at - entry.recordedAt - ingestLagMs)
      }
    },

    blocking(tags) {
      const at = now()
      // A filter the request can answer: on an attribution field or a tag it has a value for.
      const known = (filter: CompiledFilter) => {
        const key = filter.dimension.startsWith('tags.') ? filter.dimension.slice(5) : filter.dimension
        if (!filter.dimension.startsWith('tags.') && !ATTRIBUTION.has(key)) return false
        return tags[key] !== undefined && tags[key] !== null
      }
      const facts: CallFacts = {
        provider: '',
        model: null,
        operation: '',
        tags,
        providerProject: null,
        serviceTier: null,
        status: 'ok',
      }
      if (stale(at) && failClosed && onExceeded !== 'warn') {
        if (lastSuccessAt === null) return new BudgetUnavailableError(null)
        for (const tracked of budgets.values())
          if (
            tracked.wire.action === 'block' &&
            tracked.filters.every(known) &&
            inScope(tracked.filters, facts)
          )
            return new BudgetUnavailableError(new Date(lastSuccessAt))
      }
      let over: ExceededBudget[] | undefined
      for (const tracked of budgets.values()) {
        if (tracked.wire.action !== 'block' || !tracked.filters.every(known)) continue
        if (!inScope(tracked.filters, facts)) continue
        roll(tracked, at + offsetMs)
        if (spentNanos(tracked, at) < tracked.limitNanos) continue
        over ??= []
        over.push(exceeded(tracked))
      }
      return over ? new BudgetExceededError(over.sort(byReset)) : undefined
    },

    refresh,
    now,

    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = undefined
    },
  }
}

/** An AI SDK language model (v5's LanguageModelV2, v6's V3): what the middleware can call instead. */
function isLanguageModel(model: unknown): boolean {
  const candidate = model as { doGenerate?: unknown; doStream?: unknown } | null
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.doGenerate === 'function' &&
    typeof candidate.doStream === 'function'
  )
}
