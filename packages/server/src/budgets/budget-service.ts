import { createHash } from 'node:crypto'
import type { BlockedCallsReport, BudgetsAnswer, WireBudget } from 'spendlens'
import type { Budget, BudgetList, BudgetStatus } from '../api/api-types.js'
import type { Store } from '../store/store.js'
import { blockedCallsOf, periodKey, recordBlockedCalls } from './blocked-calls.js'
import { type BookedBudget, BudgetBook } from './budget-book.js'
import type { FileBudget } from './budget-definition.js'
import {
  currentHour,
  FORECAST_HISTORY_WEEKS,
  forecastSummary,
  project,
  type RateModel,
  rateModel,
} from './budget-forecast.js'
import { budgetPeriod, type PeriodWindow } from './budget-period.js'
import { HOUR_MS, readHourlySpend, readSpend } from './budget-spend.js'

export interface BudgetServiceOptions {
  store: Store
  /** The budgets of the server's budgets file (`spendlens serve --budgets`). */
  file?: readonly FileBudget[]
  now?: () => number
  /**
   * How long one computation of a project's spend answers `GET /v1/budgets` (default 250 ms): every
   * SDK process polls, and one query per interval serves them all.
   */
  stateTtlMs?: number
  /** How long a budget's forecast rate (its weeks of hourly history) is reused (default 5 minutes). */
  rateTtlMs?: number
}

/** The SDK's view of a project's budgets, with what a conditional request needs. */
export interface WireState {
  answer: BudgetsAnswer
  /** A strong ETag of the budgets (not of `as_of`): the same definitions, periods and spend, the same tag. */
  etag: string
  /** When the spend began to be read (server clock, epoch ms): what was stored before it is in the answer. */
  readAt: number
}

/** One budget's period and spend at one moment. */
interface Measured {
  budget: BookedBudget
  window: PeriodWindow
  spentNanos: number
}

export interface BudgetService {
  readonly book: BudgetBook
  /** The service's clock (BudgetServiceOptions.now). */
  now(): number
  /** Every budget of `project` with its period, spend and forecast (GET /api/budgets), read now. */
  list(project: string): Promise<BudgetList>
  /** One budget with its status, read now; undefined when `project` has no budget `id`. */
  get(project: string, id: string): Promise<Budget | undefined>
  /** What GET /v1/budgets answers for `project`: shared by requests within `stateTtlMs`. */
  wireState(project: string): Promise<WireState>
  /** Stores an SDK process's counts of refused calls (POST /v1/budgets/blocked); answers how many. */
  recordBlocked(project: string, report: BlockedCallsReport): Promise<number>
}

export function createBudgetService(options: BudgetServiceOptions): BudgetService {
  const { store } = options
  const now = options.now ?? Date.now
  const stateTtlMs = options.stateTtlMs ?? 250
  const rateTtlMs = options.rateTtlMs ?? 300_000
  const book = new BudgetBook(store, options.file ?? [], now)
  const wireCache = new Map<string, { computedAt: number; state: Promise<WireState> }>()
  const rateCache = new Map<string, { computedAt: number; hour: number; model: RateModel }>()

  async function measure(
    projectName: string,
    budgets: readonly BookedBudget[],
    at: number,
  ): Promise<Measured[]> {
    const windows = budgets.map((budget) =>
      budgetPeriod(budget.definition.period, budget.definition.timeZone, at),
    )
    const spent = await readSpend(
      store,
      projectName,
      budgets.map((budget, index) => {
        const window = windows[index] as PeriodWindow
        // To the end of the current hour: an event stamped a moment ahead of this clock still counts.
        return {
          key: budget.id,
          filters: budget.definition.filters,
          from: window.start,
          to: Math.min(window.end, currentHour(at) + HOUR_MS),
        }
      }),
    )
    return budgets.map((budget, index) => ({
      budget,
      window: windows[index] as PeriodWindow,
      spentNanos: spent.get(budget.id) ?? 0,
    }))
  }

  /** Each budget's rate model, from its last weeks of hourly spend, reused for `rateTtlMs`. */
  async function rateModels(projectName: string, budgets: readonly BookedBudget[], at: number) {
    const hour = currentHour(at)
    const cacheKey = (budget: BookedBudget) =>
      JSON.stringify([projectName, budget.id, budget.definition.filters, budget.definition.timeZone])
    const stale = budgets.filter((budget) => {
      const cached = rateCache.get(cacheKey(budget))
      return !cached || cached.hour !== hour || at - cached.computedAt > rateTtlMs
    })
    if (stale.length > 0) {
      const from = hour - FORECAST_HISTORY_WEEKS * 7 * 24 * HOUR_MS
      const histories = await readHourlySpend(
        store,
        projectName,
        stale.map((budget) => ({ key: budget.id, filters: budget.definition.filters, from, to: hour })),
      )
      for (const budget of stale) {
        const history = histories.get(budget.id) ?? new Float64Array(0)
        rateCache.set(cacheKey(budget), {
          computedAt: at,
          hour,
          model: rateModel(history, hour, budget.definition.timeZone),
        })
      }
    }
    return new Map(budgets.map((budget) => [budget.id, rateCache.get(cacheKey(budget))?.model as RateModel]))
  }

  async function withStatus(projectName: string, budgets: readonly BookedBudget[]): Promise<BudgetList> {
    const at = now()
    const [measured, models, blocked] = await Promise.all([
      measure(projectName, budgets, at),
      rateModels(projectName, budgets, at),
      blockedCallsOf(store, projectName),
    ])
    return {
      as_of: new Date(at).toISOString(),
      budgets: measured.map(({ budget, window, spentNanos }) => {
        const definition = budget.definition
        const amountNanos = Math.round(definition.amountUsd * 1e9)
        const model = models.get(budget.id) as RateModel
        const projection = project(model, at, window.end, spentNanos, amountNanos)
        const used = spentNanos / amountNanos
        const status: BudgetStatus = {
          period_start: new Date(window.start).toISOString(),
          resets_at: new Date(window.end).toISOString(),
          spent_usd: spentNanos / 1e9,
          remaining_usd: Math.max(0, amountNanos - spentNanos) / 1e9,
          used,
          thresholds_reached: definition.thresholds.filter((threshold) => used >= threshold),
          blocked_calls: blocked.get(periodKey(budget.id, window.start)) ?? 0,
          forecast: {
            method: model.method,
            end_of_period_usd: projection.endOfPeriodNanos / 1e9,
            runs_out_at: projection.runsOutAt === null ? null : new Date(projection.runsOutAt).toISOString(),
            summary: forecastSummary(
              definition.name,
              model.method,
              projection,
              spentNanos,
              amountNanos,
              window.end,
              definition.timeZone,
            ),
          },
        }
        return {
          id: budget.id,
          ...definition,
          source: budget.source,
          changed_at: budget.changedAt === null ? null : new Date(budget.changedAt).toISOString(),
          changed_by: budget.changedBy,
          status,
        }
      }),
    }
  }

  async function computeWire(projectName: string, at: number): Promise<WireState> {
    const budgets = await book.list(projectName)
    const readAt = now()
    const measured = await measure(projectName, budgets, at)
    const wire: WireBudget[] = measured.map(({ budget, window, spentNanos }) => ({
      id: budget.id,
      name: budget.definition.name,
      filters: budget.definition.filters,
      action: budget.definition.action,
      period: budget.definition.period,
      time_zone: budget.definition.timeZone,
      period_start: new Date(window.start).toISOString(),
      resets_at: new Date(window.end).toISOString(),
      limit_usd: budget.definition.amountUsd,
      spent_usd: spentNanos / 1e9,
    }))
    const etag = `"${createHash('sha256').update(JSON.stringify(wire)).digest('base64url').slice(0, 27)}"`
    return { answer: { as_of: new Date(at).toISOString(), budgets: wire }, etag, readAt }
  }

  return {
    book,
    now,
    recordBlocked: (projectName, report) => recordBlockedCalls(store, projectName, report, now()),
    async list(projectName) {
      return withStatus(projectName, await book.list(projectName))
    },
    async get(projectName, id) {
      const budget = (await book.list(projectName)).find((candidate) => candidate.id === id)
      if (!budget) return undefined
      return (await withStatus(projectName, [budget])).budgets[0]
    },
    wireState(projectName) {
      const at = now()
      const cached = wireCache.get(projectName)
      if (cached && at - cached.computedAt < stateTtlMs) return cached.state
      const state = computeWire(projectName, at)
      wireCache.set(projectName, { computedAt: at, state })
      // A failed computation is not kept: the next request tries again.
      state.catch(() => {
        if (wireCache.get(projectName)?.state === state) wireCache.delete(projectName)
      })
      return state
    },
  }
}
