import type { CostEvent, Tags } from '../cost-event.js'
import { BudgetExceededError, BudgetUnavailableError, usd } from '../errors.js'
import { BlockedCallCounter, newReporterId } from './blocked-calls.js'
import { BudgetLedger, byReset } from './budget-ledger.js'
import type { CallFacts } from './budget-scope.js'
import { BLOCKED_CALLS_PATH, BUDGET_STATE_AGE_HEADER, type BudgetsAnswer } from './budget-wire.js'

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
  /** Sends the counts of refused calls the server does not have yet; resolves once answered or failed. */
  flush(): Promise<void>
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
  flush: () => Promise.resolve(),
  now: Date.now,
  onExceeded: 'throw',
  stop() {},
}

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
  const base = options.endpoint.replace(/\/+$/, '')
  const url = `${base}/v1/budgets`
  const now = options.now ?? Date.now
  const fetchFn = options.fetch ?? globalThis.fetch
  const intervalMs = options.intervalMs ?? 5_000
  const nearLimitIntervalMs = Math.min(intervalMs, options.nearLimitIntervalMs ?? 500)
  const staleAfterMs = options.staleAfterMs ?? 30_000
  const failClosed = options.failClosed ?? false
  const onExceeded = options.onExceeded ?? 'throw'
  const headers: Record<string, string> = { accept: 'application/json' }
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`
  const ledger = new BudgetLedger({
    intervalMs,
    nearLimitIntervalMs,
    nearLimitShare: options.nearLimitShare ?? 0.8,
    reserveInFlight: options.reserveInFlight ?? true,
    estimateOthers: options.estimateOthers ?? true,
    acknowledged: options.acknowledged,
  })

  // Calls refused, reported with the background fetches (and on flush): counts, never the calls.
  const blocked = new BlockedCallCounter()
  const reporter = newReporterId()
  let reporting: Promise<void> | undefined

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

  /** No successful fetch for staleAfterMs (counted from the start until the first one). */
  const stale = (at: number) => at - (lastSuccessAt ?? startedAt) > staleAfterMs
  const unavailable = () =>
    new BudgetUnavailableError(lastSuccessAt === null ? null : new Date(lastSuccessAt))

  /** The app's choice for a call a spent budget covers: throw, warn and go on, or its handler's decision. */
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
        ledger.apply(undefined, sentAt, receivedAt, ageMs)
        lastSuccessAt = receivedAt
      } else if (response.ok) {
        const answer = (await response.json()) as BudgetsAnswer
        ledger.apply(answer, sentAt, receivedAt, ageMs)
        etag = response.headers.get('etag') ?? undefined
        lastSuccessAt = receivedAt
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
      const at = now()
      ledger.sweepHolds(at)
      if (!stopped) schedule(retryAfterMs ?? ledger.nextIntervalMs(at))
      void report()
    }
  }

  /** Sends the unreported counts; one report at a time, so that a later count is never overtaken by an earlier one. */
  function report(): Promise<void> {
    if (reporting) return reporting.then(() => (blocked.unreported() ? report() : undefined))
    const counts = blocked.unreported()
    if (!counts) return Promise.resolve()
    reporting = (async () => {
      try {
        const response = await fetchFn(`${base}${BLOCKED_CALLS_PATH}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ reporter, counts }),
          signal: AbortSignal.timeout(10_000),
        })
        await response.body?.cancel()
        if (response.ok) blocked.reported(counts)
        else if (response.status === 404)
          warnOnce(
            'blocked-404',
            'the server does not take counts of refused calls (POST /v1/budgets/blocked); is it an older version?',
          )
      } catch {
        // Unreachable: the counts stay, and the next report carries them.
      } finally {
        reporting = undefined
      }
    })()
    return reporting
  }

  /** A call was refused: each spent budget it fell under counts it, in its current period. */
  function countRefused(error: BudgetExceededError) {
    for (const budget of error.budgets) {
      const periodStart = ledger.periodStartOf(budget.id)
      if (periodStart !== undefined) blocked.count(budget.id, periodStart)
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
      if (failClosed && stale(at) && (lastSuccessAt === null || ledger.covers(facts))) {
        const error = unavailable()
        if (onExceeded !== 'warn') throw error
        warnOnce(`unavailable:${lastSuccessAt}`, error.message)
      }
      if (!ledger.blocks) return undefined
      let coverage = ledger.cover(facts, at)
      let admission: Admission | undefined
      if (coverage?.spent) {
        const spent = coverage.spent
        try {
          admission = resolve(new BudgetExceededError(spent.sort(byReset)), facts, switchable)
          // Switched to another model: the call is another call; its own budgets are checked once.
          if (typeof admission?.model === 'string') {
            coverage = ledger.cover({ ...facts, model: admission.model }, at, spent)
            if (coverage?.spent) throw new BudgetExceededError(coverage.spent.sort(byReset))
          } else if (admission) return admission
        } catch (error) {
          if (error instanceof BudgetExceededError) countRefused(error)
          throw error
        }
      }
      if (coverage?.room) ledger.hold(holder, coverage.room, at)
      return admission
    },

    recorded(holder, event) {
      ledger.release(holder)
      if (!event) return
      const at = now()
      ledger.record(event, at)
      // Near a limit, the next answer is wanted sooner, and the server should have this process's calls sooner.
      const wanted = ledger.nextIntervalMs(at)
      if (wanted >= intervalMs) return
      if (timer && timerAt - at > wanted) schedule(wanted)
      if (at - nudgedAt >= nearLimitIntervalMs) {
        nudgedAt = at
        options.onNearLimit?.()
      }
    },

    delivered: (eventIds) => ledger.delivered(eventIds, now()),

    blocking(tags) {
      const at = now()
      const coverage = ledger.requestCoverage(tags, at)
      if (failClosed && onExceeded !== 'warn' && stale(at) && (lastSuccessAt === null || coverage.covered))
        return unavailable()
      return coverage.spent ? new BudgetExceededError(coverage.spent.sort(byReset)) : undefined
    },

    refresh,
    flush: report,
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
