import { currentTags, withTags } from '../context.js'
import type { Tags } from '../cost-event.js'
import { defaultTrackerOf } from '../default-tracker.js'
import { BudgetExceededError, type BudgetUnavailableError } from '../errors.js'
import { recorderOf, type Tracker } from '../tracker.js'

/** Where a request's customer comes from, and which tracker's budgets hold. */
export interface BudgetMiddlewareOptions<Request> {
  /**
   * The request's customer (its `customer_id` in budgets and events), from the app's own auth: a
   * session, an API key, a header. Undefined or null: no customer, so no customer budget refuses it.
   */
  customer(request: Request): string | undefined | null | Promise<string | undefined | null>
  /** Default: the tracker `init()` configures. Budgets must be on in it (`budgets: true`). */
  tracker?: Tracker
  /** Also run the handler inside `withTags({ customer_id })`, so its calls carry the customer. Default true. */
  tagCustomer?: boolean
}

/** The answer to a refused request: 429 and `Retry-After` for a spent budget, 503 when budgets are unknown and fail closed. */
export interface BudgetRefusal {
  status: 429 | 503
  headers: Record<string, string>
  body: {
    error: {
      code: 'budget_exceeded' | 'budget_unavailable'
      message: string
      details?: {
        budget_id: string
        budget_name: string
        scope: BudgetExceededError['scope']
        spent_usd: number
        limit_usd: number
        resets_at: string
      }
    }
  }
}

/** Seconds a client waits when the budgets are unknown before it tries again. */
const UNAVAILABLE_RETRY_SECONDS = 5

/**
 * Whether a request of `customer` is refused as a whole, and the answer: a spent `block` budget
 * whose scope the request's tags decide (its filters only on `customer_id` and the tags the tracker
 * and the current `withTags` give: a budget of that customer, or of the whole project) gives 429
 * with `Retry-After` in seconds to its reset and the server's JSON error shape. Budgets on other
 * dimensions (a feature, a model) are left to the check before each call. For frameworks without a
 * middleware here (Fastify, Koa…).
 */
export function budgetRefusal(
  customer: string | undefined | null,
  tracker: Tracker = defaultTrackerOf(),
): BudgetRefusal | undefined {
  const recorder = recorderOf(tracker)
  if (!recorder?.budgets.enabled) return undefined
  const now = recorder.budgets.now()
  const tags: Tags = { ...recorder.defaultTags, ...currentTags() }
  if (customer !== undefined && customer !== null) tags.customer_id = customer
  else delete tags.customer_id
  const refused = recorder.budgets.blocking(tags)
  return refused ? refusalOf(refused, now) : undefined
}

function refusalOf(error: BudgetExceededError | BudgetUnavailableError, now: number): BudgetRefusal {
  const json = { 'content-type': 'application/json; charset=utf-8' }
  if (!(error instanceof BudgetExceededError))
    return {
      status: 503,
      headers: { ...json, 'retry-after': String(UNAVAILABLE_RETRY_SECONDS) },
      body: { error: { code: 'budget_unavailable', message: error.message } },
    }
  return {
    status: 429,
    headers: { ...json, 'retry-after': String(error.retryAfterSeconds(now)) },
    body: {
      error: {
        code: 'budget_exceeded',
        message: `the budget ${JSON.stringify(error.budgetName)} is spent until ${error.resetsAt.toISOString()}`,
        details: {
          budget_id: error.budgetId,
          budget_name: error.budgetName,
          scope: error.scope,
          spent_usd: error.spentUsd,
          limit_usd: error.limitUsd,
          resets_at: error.resetsAt.toISOString(),
        },
      },
    },
  }
}

/** Runs `next` inside the customer's tag context when asked. */
function withCustomer<T>(customer: string | undefined | null, tag: boolean | undefined, next: () => T): T {
  return customer !== undefined && customer !== null && tag !== false
    ? withTags({ customer_id: customer }, next)
    : next()
}

/** What the Express middleware uses of a response: Node's own `ServerResponse` has it all. */
interface NodeResponse {
  statusCode: number
  setHeader(name: string, value: string): unknown
  end(body: string): unknown
}

/**
 * Express (4 and 5) middleware: a request whose customer is over a `block` budget gets 429 with
 * `Retry-After`; any other goes on, inside `withTags({ customer_id })`.
 *
 *   app.use(expressBudgetGuard({ customer: (request) => request.user?.orgId }))
 */
export function expressBudgetGuard<Request>(
  options: BudgetMiddlewareOptions<Request>,
): (request: Request, response: NodeResponse, next: (error?: unknown) => void) => Promise<void> {
  return async (request, response, next) => {
    let customer: string | undefined | null
    try {
      customer = await options.customer(request)
    } catch (error) {
      return next(error)
    }
    const refusal = budgetRefusal(customer, options.tracker)
    if (refusal) {
      response.statusCode = refusal.status
      for (const [name, value] of Object.entries(refusal.headers)) response.setHeader(name, value)
      response.end(JSON.stringify(refusal.body))
      return
    }
    withCustomer(customer, options.tagCustomer, () => next())
  }
}

/**
 * Hono middleware: the same, answering the refusal as a `Response`.
 *
 *   app.use('/api/*', honoBudgetGuard({ customer: (c) => c.req.header('x-customer') }))
 */
export function honoBudgetGuard<Context>(
  options: BudgetMiddlewareOptions<Context>,
): (context: Context, next: () => Promise<void>) => Promise<Response | undefined> {
  return async (context, next) => {
    const customer = await options.customer(context)
    const refusal = budgetRefusal(customer, options.tracker)
    if (refusal) return responseOf(refusal)
    await withCustomer(customer, options.tagCustomer, next)
    return undefined
  }
}

/**
 * A Next.js route handler (or any `(Request) => Response` handler) behind the budgets.
 *
 *   export const POST = withBudgetGuard(async (request) => …, { customer: (request) => request.headers.get('x-customer') })
 */
export function withBudgetGuard<Args extends unknown[]>(
  handler: (request: Request, ...rest: Args) => Response | Promise<Response>,
  options: BudgetMiddlewareOptions<Request>,
): (request: Request, ...rest: Args) => Promise<Response> {
  return async (request, ...rest) => {
    const customer = await options.customer(request)
    const refusal = budgetRefusal(customer, options.tracker)
    if (refusal) return responseOf(refusal)
    return withCustomer(customer, options.tagCustomer, () => handler(request, ...rest))
  }
}

function responseOf(refusal: BudgetRefusal): Response {
  return new Response(JSON.stringify(refusal.body), { status: refusal.status, headers: refusal.headers })
}
