/**
 * The budget state the spendlens server sends the SDK (`GET /v1/budgets`, docs/budgets.md), declared
 * once here: the server builds its answer with these types, the SDK enforces what it reads.
 * snake_case, like the CostEvent: the same names in JSON, logs and the API.
 */

/** Calendar periods a budget resets on, in its time zone. */
export type BudgetPeriod = 'day' | 'week' | 'month'

/** `alert`: the server only tells people; `block`: the SDK also refuses calls once the budget is spent. */
export type BudgetAction = 'alert' | 'block'

/**
 * One filter of a budget's scope: the query model's filter (docs/api.md, `POST /api/query`).
 * `eq` takes one value, `in` any of them, `not_in` none of them. A missing attribution value is
 * `unattributed`, as in the store.
 */
export interface BudgetFilter {
  dimension: string
  op: 'eq' | 'in' | 'not_in'
  values: string[]
}

/** One budget of the key's project, with its spend in the current period as the server counted it. */
export interface WireBudget {
  id: string
  name: string
  /** Every filter must hold (AND); none: everything the project spends. */
  filters: BudgetFilter[]
  action: BudgetAction
  period: BudgetPeriod
  time_zone: string
  /** The current period: [period_start, resets_at), ISO 8601 UTC. */
  period_start: string
  resets_at: string
  limit_usd: number
  /** Spend stored in the period when the server computed the answer (see BUDGET_STATE_AGE_HEADER). */
  spent_usd: number
}

/** The answer of `GET /v1/budgets`. */
export interface BudgetsAnswer {
  /** The server's clock when it computed the spend (ISO 8601 UTC). */
  as_of: string
  budgets: WireBudget[]
}

/**
 * Response header of `GET /v1/budgets` (200 and 304): how many milliseconds before the request
 * arrived the server began reading the spend it answers with; 0 when it read it for this request
 * (it shares one reading between requests close together). Whatever the server had acknowledged
 * before that moment is in `spent_usd`: so are a client's events acknowledged before it sent its
 * request, less this age.
 */
export const BUDGET_STATE_AGE_HEADER = 'x-spendlens-state-age-ms'

/** Where the SDK reports the calls its budgets refused (`POST`, with the events' ingest key). */
export const BLOCKED_CALLS_PATH = '/v1/budgets/blocked'

/**
 * How many calls one process refused under one budget in one period, counted from the period's
 * start: the whole count each time, not what changed since the last report, so that a report sent
 * twice (a retry) counts once. Counts only: nothing of the calls themselves.
 */
export interface BlockedCallCount {
  budget_id: string
  /** The period the calls were refused in: the budget's `period_start` (ISO 8601 UTC) as the SDK last read it. */
  period_start: string
  /** Calls refused in that period by this process: a whole number, never less than a previous report's. */
  blocked: number
}

/** The body of `POST /v1/budgets/blocked`. */
export interface BlockedCallsReport {
  /** One id per process (random, made at start): the server keeps each reporter's latest counts and sums them. */
  reporter: string
  counts: BlockedCallCount[]
}
