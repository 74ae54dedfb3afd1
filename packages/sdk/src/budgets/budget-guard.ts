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

export interface BudgetGuardOptions extends BudgetOptions {
  /** The server's base URL. */
  endpoint: string
  apiKey?: string
  /** Whether the tracker's sink reports acknowledgements (`delivered`); else deliveries are assumed. */
  acknowledged: boolean
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
  let etag: string | undefined
  let lastSuccessAt: number | null = null
  const startedAt = now()
  let timer: ReturnType<typeof setTimeout> | undefined
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

  const spentNanos = (tracked: Tracked) => tracked.serverNanos + tracked.localNanos + tracked.reservedNanos

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

  function near(): boolean {
    for (const tracked of budgets.values()) {
      if (tracked.wire.action !== 'block' || tracked.localNanos + tracked.reservedNanos === 0) continue
      const share = spentNanos(tracked) / tracked.limitNanos
      if (share >= nearShare && share < 1) return true
    }
    return false
  }

  function schedule(delayMs: number) {
    if (stopped) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = undefined
      void poll()
    }, delayMs)
    timer.unref?.()
  }

  function apply(answer: BudgetsAnswer | undefined, sentAt: number, receivedAt: number, ageMs: number) {
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
        }
        if (existing && existing.periodStart !== periodStart) tracked.carriedNanos = 0
        if (!existing || JSON.stringify(existing.wire.filters) !== JSON.stringify(wire.filters))
          tracked.filters = compileFilters(wire.filters)
        tracked.wire = wire
        tracked.limitNanos = Math.round(wire.limit_usd * 1e9)
        tracked.serverNanos = Math.round(wire.spent_usd * 1e9)
        tracked.periodStart = periodStart
        tracked.resetsAt = Date.parse(wire.resets_at)
        budgets.set(wire.id, tracked)
      }
      for (const id of [...budgets.keys()]) if (!seen.has(id)) budgets.delete(id)
      rebuildIndex()
    }
    // What the server acknowledged before it computed this answer is in it.
    const reference = sentAt - ageMs
    for (const [id, entry] of pending)
      if (entry.settledAt !== null && entry.settledAt <= reference) pending.delete(id)
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
      if (!stopped) schedule(retryAfterMs ?? (near() ? nearIntervalMs : intervalMs))
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
        if (spentNanos(tracked) >= tracked.limitNanos) {
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
            if (spentNanos(tracked) >= tracked.limitNanos) {
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
      // Near a limit, the next answer is wanted sooner.
      if (timer && near()) schedule(nearIntervalMs)
    },

    delivered(eventIds) {
      const at = now()
      for (const id of eventIds) {
        const entry = pending.get(id)
        if (entry && entry.settledAt === null) entry.settledAt = at
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
        if (spentNanos(tracked) < tracked.limitNanos) continue
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
