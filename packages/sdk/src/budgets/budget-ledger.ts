import { ATTRIBUTION_FIELDS, type CostEvent, type Tags } from '../cost-event.js'
import type { ExceededBudget } from '../errors.js'
import {
  type CallFacts,
  type CompiledFilter,
  compileFilters,
  dimensionValue,
  factsOfEvent,
  inScope,
} from './budget-scope.js'
import type { BudgetsAnswer, WireBudget } from './budget-wire.js'

/** What the ledger is told by the guard's options (budget-guard.ts). */
export interface LedgerSettings {
  /** The polling interval: the most the estimate of other processes' spend looks ahead of an answer. */
  intervalMs: number
  nearLimitIntervalMs: number
  nearLimitShare: number
  reserveInFlight: boolean
  estimateOthers: boolean
  /** Whether the tracker's sink reports acknowledgements (`delivered`); else deliveries are assumed. */
  acknowledged: boolean
}

/** One budget as this process tracks it. */
export interface Tracked {
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
  /** Of rateNanosPerMs, the other processes' part: the server's count's growth less this process's calls in it. */
  othersRateNanosPerMs: number
  /** The server's clock at its last answer, for the rates. */
  asOf: number
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

/** The `block` budgets a call falls under: those spent, and the cost a call would hold on the others. */
export interface Coverage {
  spent?: ExceededBudget[]
  room?: [Tracked, number][]
}

const ATTRIBUTION = new Set<string>(ATTRIBUTION_FIELDS)

/** Pending entries kept at most; beyond, the oldest are folded into their budgets' carried spend. */
const MAX_PENDING = 50_000
/** Without acknowledgements (a tracker with sinks of its own), a call counts locally this long. */
const ASSUMED_DELIVERY_MS = 5_000
/** A hold older than this is a call that never ended (a stream never read): it is let go. */
const MAX_HOLD_MS = 10 * 60_000
/** Weight of the newest call in the running mean a call in flight holds. */
const ESTIMATE_WEIGHT = 0.2
/** Weight of the newest sample in the running rates of a budget's spend. */
const RATE_WEIGHT = 0.5
/** Other processes' rate is counted once it is more than this share of the whole (below: noise). */
const OTHERS_NOISE = 0.1
/** The time a call takes to reach the server, until this process has measured its own. */
const ASSUMED_INGEST_LAG_MS = 1_000
/** The next answer is wanted before the budget's rate could spend this share of what is left. */
const RATE_SHARE = 0.1

const smooth = (mean: number, sample: number, weight: number) =>
  mean === 0 ? sample : mean + weight * (sample - mean)

/** The budget that keeps a call blocked longest comes first: it is the error's own. */
export const byReset = (a: ExceededBudget, b: ExceededBudget) => b.resetsAt.getTime() - a.resetsAt.getTime()

/**
 * The arithmetic of budgets in one process: the server's answers, this process's own spend until the
 * server has it, the cost held by calls in flight, the other processes' likely spend since the
 * server's reading, and an index from the values calls carry to the `block` budgets that name them,
 * so that the check before a call is a few map lookups and sums. No I/O: the guard (budget-guard.ts)
 * fetches and decides; this keeps count.
 */
export class BudgetLedger {
  /** Server clock minus local clock, from the answers' `as_of`. */
  offsetMs = 0
  private readonly budgets = new Map<string, Tracked>()
  /** `block` budgets by the first value they require (dimension → value → budgets), and those that require none. */
  private index = new Map<string, Map<string, Tracked[]>>()
  private unindexed: Tracked[] = []
  private blockCount = 0
  private readonly pending = new Map<string, Pending>()
  private readonly holds = new WeakMap<object, [Tracked, number][]>()
  /** Calls holding a cost, by when they started: to let go of those that never end. */
  private holders: { at: number; holder: WeakRef<object> }[] = []
  /**
   * How long this process's calls take to be stored by the server (from priced to acknowledged):
   * what another process's calls are assumed to take too.
   */
  private ingestLagMs = ASSUMED_INGEST_LAG_MS

  constructor(private readonly settings: LedgerSettings) {}

  /** Whether any `block` budget is known: without one, every call passes. */
  get blocks(): boolean {
    return this.blockCount > 0
  }

  /**
   * Takes an answer of the server (undefined for a 304: the same as the last one, read again), sent
   * at `sentAt`, received at `receivedAt` (local clock), whose spend was read `ageMs` before the
   * request arrived. What this process had acknowledged before that reading is in the answer: it stops
   * counting here, and is this process's part of how much the server's count grew since the last one.
   */
  apply(answer: BudgetsAnswer | undefined, sentAt: number, receivedAt: number, ageMs: number): void {
    const reference = sentAt - ageMs
    const counted = new Map<string, number>()
    for (const [id, entry] of this.pending) {
      if (entry.settledAt === null || entry.settledAt > reference) continue
      this.pending.delete(id)
      for (const budgetId of entry.budgetIds)
        counted.set(budgetId, (counted.get(budgetId) ?? 0) + entry.nanos)
    }
    if (!answer) {
      for (const tracked of this.budgets.values()) tracked.readAt = reference
    } else {
      const asOf = Date.parse(answer.as_of)
      if (Number.isFinite(asOf)) this.offsetMs = asOf + ageMs - (sentAt + receivedAt) / 2
      const seen = new Set<string>()
      for (const wire of answer.budgets) {
        seen.add(wire.id)
        this.take(wire, asOf, reference, counted.get(wire.id) ?? 0)
      }
      for (const id of [...this.budgets.keys()]) if (!seen.has(id)) this.budgets.delete(id)
      this.rebuildIndex()
    }
    for (const tracked of this.budgets.values()) this.recount(tracked)
  }

  /** When the current period of budget `id` started (server clock, epoch ms), as last rolled. */
  periodStartOf(id: string): number | undefined {
    return this.budgets.get(id)?.periodStart
  }

  /** The `block` budgets `facts` falls under: those spent at `at`, and the cost it would hold on the others. */
  cover(facts: CallFacts, at: number, except?: readonly ExceededBudget[]): Coverage | undefined {
    let coverage: Coverage | undefined
    this.covering(facts, (tracked) => {
      this.roll(tracked, at + this.offsetMs)
      if (this.spent(tracked, at) >= tracked.limitNanos) {
        if (except?.some((budget) => budget.id === tracked.wire.id)) return
        coverage ??= {}
        coverage.spent ??= []
        coverage.spent.push(this.exceeded(tracked, at))
      } else if (this.settings.reserveInFlight && tracked.estimateNanos > 0) {
        coverage ??= {}
        coverage.room ??= []
        coverage.room.push([tracked, tracked.estimateNanos])
      }
    })
    return coverage
  }

  /** Whether any known `block` budget covers `facts`, spent or not (for failing closed). */
  covers(facts: CallFacts): boolean {
    let found = false
    this.covering(facts, () => {
      found = true
    })
    return found
  }

  /** A call in flight holds its expected cost against the budgets with room, until `release`. */
  hold(holder: object, room: [Tracked, number][], at: number): void {
    for (const [tracked, nanos] of room) tracked.reservedNanos += nanos
    this.holds.set(holder, room)
    this.holders.push({ at, holder: new WeakRef(holder) })
  }

  release(holder: object): void {
    const held = this.holds.get(holder)
    if (!held) return
    this.holds.delete(holder)
    for (const [tracked, nanos] of held) tracked.reservedNanos = Math.max(0, tracked.reservedNanos - nanos)
  }

  /** Lets go of the holds of calls that never ended, and forgets calls already released or collected. */
  sweepHolds(at: number): void {
    const kept: typeof this.holders = []
    for (const entry of this.holders) {
      const holder = entry.holder.deref()
      if (!holder || !this.holds.has(holder)) continue
      if (at - entry.at >= MAX_HOLD_MS) this.release(holder)
      else kept.push(entry)
    }
    this.holders = kept
  }

  /** A call's event was priced at `at`: its cost counts against the budgets it falls under until the server has it. */
  record(event: CostEvent, at: number): void {
    if (this.budgets.size === 0) return
    const nanos = event.cost_usd === null ? 0 : Math.round(event.cost_usd * 1e9)
    if (nanos <= 0) return
    const facts = factsOfEvent(event)
    const ids: string[] = []
    for (const tracked of this.budgets.values()) {
      if (!inScope(tracked.filters, facts)) continue
      this.roll(tracked, at + this.offsetMs)
      ids.push(tracked.wire.id)
      tracked.localNanos += nanos
      tracked.estimateNanos = smooth(tracked.estimateNanos, nanos, ESTIMATE_WEIGHT)
    }
    if (ids.length === 0) return
    const previous = this.pending.get(event.event_id)
    if (previous) {
      // The same logical request again (an idempotency key): its latest attempt replaces it.
      for (const id of previous.budgetIds) {
        const tracked = this.budgets.get(id)
        if (tracked) tracked.localNanos -= previous.nanos
      }
      this.pending.delete(event.event_id)
    }
    this.pending.set(event.event_id, {
      nanos,
      budgetIds: ids,
      recordedAt: at,
      settledAt: this.settings.acknowledged ? null : at + ASSUMED_DELIVERY_MS,
    })
    if (this.pending.size > MAX_PENDING) this.evictOldest()
  }

  /** The server acknowledged these events at `at`. */
  delivered(eventIds: readonly string[], at: number): void {
    for (const id of eventIds) {
      const entry = this.pending.get(id)
      if (!entry || entry.settledAt !== null) continue
      entry.settledAt = at
      this.ingestLagMs += RATE_WEIGHT * (at - entry.recordedAt - this.ingestLagMs)
    }
  }

  /**
   * How soon the next answer is wanted: at the polling interval, unless a `block` budget this
   * process spends under could run out before then. Near its limit (past `nearLimitShare`), or when
   * the whole project's rate under it (from the server's answers) would spend a tenth of what is
   * left within the interval, every `nearLimitIntervalMs`, or in between.
   */
  nextIntervalMs(at: number): number {
    const { intervalMs, nearLimitIntervalMs, nearLimitShare } = this.settings
    let next = intervalMs
    for (const tracked of this.budgets.values()) {
      if (tracked.wire.action !== 'block' || tracked.estimateNanos === 0) continue
      const spent = this.spent(tracked, at)
      if (spent >= tracked.limitNanos) continue
      if (spent >= nearLimitShare * tracked.limitNanos) return nearLimitIntervalMs
      if (tracked.rateNanosPerMs > 0)
        next = Math.min(next, (RATE_SHARE * (tracked.limitNanos - spent)) / tracked.rateNanosPerMs)
    }
    return Math.max(nearLimitIntervalMs, next)
  }

  /**
   * The `block` budgets a whole request falls under, knowing only `tags` (the HTTP middlewares):
   * those whose every filter is on an attribution field or a tag the request has a value for, and
   * holds. `covered`: any does; `spent`: those spent at `at`.
   */
  requestCoverage(tags: Tags, at: number): { covered: boolean; spent?: ExceededBudget[] } {
    const known = (filter: CompiledFilter) => {
      const tag = filter.dimension.startsWith('tags.')
      const key = tag ? filter.dimension.slice(5) : filter.dimension
      if (!tag && !ATTRIBUTION.has(key)) return false
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
    const result: { covered: boolean; spent?: ExceededBudget[] } = { covered: false }
    for (const tracked of this.budgets.values()) {
      if (tracked.wire.action !== 'block' || !tracked.filters.every(known)) continue
      if (!inScope(tracked.filters, facts)) continue
      result.covered = true
      this.roll(tracked, at + this.offsetMs)
      if (this.spent(tracked, at) < tracked.limitNanos) continue
      result.spent ??= []
      result.spent.push(this.exceeded(tracked, at))
    }
    return result
  }

  /**
   * What a budget has spent, as far as this process can tell at `at`: the server's count, this
   * process's spend and holds since, and (estimateOthers) the other processes' likely spend since
   * the server read its count, their calls still on the way to it included.
   */
  private spent(tracked: Tracked, at: number): number {
    let total = tracked.serverNanos + tracked.localNanos + tracked.reservedNanos
    if (this.settings.estimateOthers && tracked.wire.action === 'block') {
      const othersPerMs = tracked.othersRateNanosPerMs
      // Over at most one polling interval: with the server away the estimate does not grow without
      // bound (failing open means an unreachable server never blocks a call by itself).
      if (othersPerMs > OTHERS_NOISE * tracked.rateNanosPerMs)
        total +=
          othersPerMs *
          (Math.min(this.settings.intervalMs, Math.max(0, at - tracked.readAt)) + this.ingestLagMs)
    }
    return total
  }

  private exceeded(tracked: Tracked, at: number): ExceededBudget {
    return {
      id: tracked.wire.id,
      name: tracked.wire.name,
      scope: tracked.wire.filters,
      spentUsd: this.spent(tracked, at) / 1e9,
      limitUsd: tracked.limitNanos / 1e9,
      resetsAt: new Date(tracked.resetsAt - this.offsetMs),
    }
  }

  /** The `block` budgets a call falls under: the index's candidates, then every filter checked. */
  private covering(facts: CallFacts, visit: (tracked: Tracked) => void): void {
    for (const [dimension, byValue] of this.index) {
      const value = dimensionValue(facts, dimension)
      const candidates = value === null ? undefined : byValue.get(value)
      if (candidates) for (const tracked of candidates) if (inScope(tracked.filters, facts)) visit(tracked)
    }
    for (const tracked of this.unindexed) if (inScope(tracked.filters, facts)) visit(tracked)
  }

  /** One budget of an answer: its definition, the server's count, and the rates the count's growth gives. */
  private take(wire: WireBudget, asOf: number, readAt: number, countedOwn: number): void {
    const periodStart = Date.parse(wire.period_start)
    const serverNanos = Math.round(wire.spent_usd * 1e9)
    const existing = this.budgets.get(wire.id)
    const tracked: Tracked = existing ?? {
      wire,
      filters: compileFilters(wire.filters),
      limitNanos: 0,
      serverNanos: 0,
      localNanos: 0,
      carriedNanos: 0,
      reservedNanos: 0,
      estimateNanos: 0,
      periodStart,
      resetsAt: 0,
      rateNanosPerMs: 0,
      othersRateNanosPerMs: 0,
      asOf,
      readAt,
    }
    if (existing && existing.periodStart !== periodStart) {
      tracked.carriedNanos = 0
      tracked.rateNanosPerMs = 0
      tracked.othersRateNanosPerMs = 0
    } else if (existing && asOf > existing.asOf) {
      const elapsed = asOf - existing.asOf
      const grown = Math.max(0, serverNanos - existing.serverNanos)
      tracked.rateNanosPerMs = smooth(tracked.rateNanosPerMs, grown / elapsed, RATE_WEIGHT)
      tracked.othersRateNanosPerMs = smooth(
        tracked.othersRateNanosPerMs,
        Math.max(0, grown - countedOwn) / elapsed,
        RATE_WEIGHT,
      )
    }
    if (existing && JSON.stringify(existing.wire.filters) !== JSON.stringify(wire.filters))
      tracked.filters = compileFilters(wire.filters)
    tracked.wire = wire
    tracked.limitNanos = Math.round(wire.limit_usd * 1e9)
    tracked.serverNanos = serverNanos
    tracked.periodStart = periodStart
    tracked.resetsAt = Date.parse(wire.resets_at)
    tracked.asOf = asOf
    tracked.readAt = readAt
    this.budgets.set(wire.id, tracked)
  }

  private rebuildIndex(): void {
    this.index = new Map()
    this.unindexed = []
    this.blockCount = 0
    for (const tracked of this.budgets.values()) {
      if (tracked.wire.action !== 'block') continue
      this.blockCount++
      const first = tracked.filters.find((filter) => filter.op !== 'not_in')
      if (!first) {
        this.unindexed.push(tracked)
        continue
      }
      let byValue = this.index.get(first.dimension)
      if (!byValue) {
        byValue = new Map()
        this.index.set(first.dimension, byValue)
      }
      for (const value of first.values) {
        const list = byValue.get(value)
        if (list) list.push(tracked)
        else byValue.set(value, [tracked])
      }
    }
  }

  /** Past its reset with no newer answer: the period starts over, with only what this process spent since. */
  private roll(tracked: Tracked, serverNow: number): void {
    if (serverNow < tracked.resetsAt) return
    const length = tracked.resetsAt - tracked.periodStart
    while (serverNow >= tracked.resetsAt) {
      tracked.periodStart = tracked.resetsAt
      // An estimate until the server says (months and DST days differ in length).
      tracked.resetsAt += length
    }
    tracked.serverNanos = 0
    tracked.carriedNanos = 0
    this.recount(tracked)
  }

  /** localNanos from the pending entries of the budget's current period. */
  private recount(tracked: Tracked): void {
    let total = tracked.carriedNanos
    for (const entry of this.pending.values())
      if (
        entry.recordedAt + this.offsetMs >= tracked.periodStart &&
        entry.budgetIds.includes(tracked.wire.id)
      )
        total += entry.nanos
    tracked.localNanos = total
  }

  /** Beyond MAX_PENDING, the oldest entry's spend stays counted, as carried, until its budgets' periods end. */
  private evictOldest(): void {
    const [oldestId, oldest] = this.pending.entries().next().value as [string, Pending]
    this.pending.delete(oldestId)
    for (const id of oldest.budgetIds) {
      const tracked = this.budgets.get(id)
      if (tracked && oldest.recordedAt + this.offsetMs >= tracked.periodStart)
        tracked.carriedNanos += oldest.nanos
    }
  }
}
