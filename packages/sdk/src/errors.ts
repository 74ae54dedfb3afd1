import type { BudgetFilter } from './budgets/budget-wire.js'

const MARKER = Symbol.for('spendlens.error')

/**
 * Base of the errors spendlens throws on purpose (misuse found at the call site, bad config).
 * `SpendlensError.isInstance(error)` works across copies of the package.
 */
export class SpendlensError extends Error {
  readonly [MARKER] = true

  static isInstance(error: unknown): error is SpendlensError {
    return typeof error === 'object' && error !== null && MARKER in error
  }
}

/** A call lacked tags the tracker requires (`requiredTags` with `onMissingTags: 'throw'`). Nothing was sent. */
export class MissingTagsError extends SpendlensError {
  constructor(readonly missing: string[]) {
    super(
      `spendlens: this call is missing required tags: ${missing.join(', ')}. Set them with wrap(), withTags() or tagCall().`,
    )
    this.name = 'MissingTagsError'
  }
}

/** A budget a call was refused by: its scope, what was spent against what it allows, and when it resets. */
export interface ExceededBudget {
  id: string
  name: string
  /** The budget's filters (docs/budgets.md); none: everything the project spends. */
  scope: BudgetFilter[]
  /** Spend in the current period: the server's count at its last answer plus this process's since. */
  spentUsd: number
  limitUsd: number
  resetsAt: Date
}

/**
 * A `block` budget that covers this call is spent (docs/budgets.md). Thrown at the call site before
 * anything is sent to the provider. Its fields are those of the budget that resets last (the one
 * that keeps the call blocked longest); `budgets` lists every spent budget the call fell under.
 */
export class BudgetExceededError extends SpendlensError {
  readonly budgetId: string
  readonly budgetName: string
  readonly scope: BudgetFilter[]
  readonly spentUsd: number
  readonly limitUsd: number
  readonly resetsAt: Date

  constructor(readonly budgets: readonly ExceededBudget[]) {
    const first = budgets[0] as ExceededBudget
    super(
      `spendlens: budget ${JSON.stringify(first.name)} (${describeScope(first.scope)}) is spent: ${usd(first.spentUsd)} of ${usd(first.limitUsd)}; it resets at ${first.resetsAt.toISOString()}. The call was not sent.`,
    )
    this.name = 'BudgetExceededError'
    this.budgetId = first.id
    this.budgetName = first.name
    this.scope = first.scope
    this.spentUsd = first.spentUsd
    this.limitUsd = first.limitUsd
    this.resetsAt = first.resetsAt
  }

  /** Seconds until the budget resets (at least 1), for a `Retry-After` header. */
  retryAfterSeconds(now = Date.now()): number {
    return Math.max(1, Math.ceil((this.resetsAt.getTime() - now) / 1000))
  }
}

/**
 * Budgets are configured to fail closed (`budgets: { failClosed: true }`) and the server has not
 * answered for longer than allowed: a call a `block` budget covers (every call, when no budget was
 * ever fetched) is refused rather than let through unchecked.
 */
export class BudgetUnavailableError extends SpendlensError {
  constructor(readonly lastFetchAt: Date | null) {
    super(
      `spendlens: budgets are unknown (${lastFetchAt ? `last fetched at ${lastFetchAt.toISOString()}` : 'never fetched'}) and the tracker fails closed; the call was not sent.`,
    )
    this.name = 'BudgetUnavailableError'
  }
}

/** `$12.50`, or three significant digits below a cent (`$0.000283`) so that a small amount is not `$0.00`. */
export function usd(value: number): string {
  return `$${value !== 0 && Math.abs(value) < 0.01 ? value.toPrecision(3) : value.toFixed(2)}`
}

/** `customer_id = acme, feature in (chat, search)`, or `everything`. */
export function describeScope(filters: readonly BudgetFilter[]): string {
  if (filters.length === 0) return 'everything'
  return filters
    .map((filter) =>
      filter.op === 'eq'
        ? `${filter.dimension} = ${filter.values[0]}`
        : `${filter.dimension} ${filter.op === 'in' ? 'in' : 'not in'} (${filter.values.join(', ')})`,
    )
    .join(', ')
}
