import type { FastifyInstance, FastifyRequest } from 'fastify'
import { BLOCKED_CALLS_PATH, BUDGET_STATE_AGE_HEADER } from 'spendlens'
import { BLOCKED_CALLS_REPORT_SCHEMA } from '../budgets/blocked-calls.js'
import { BudgetChangeError } from '../budgets/budget-book.js'
import {
  BUDGET_DEFINITION_SCHEMA,
  BUDGET_ID_SCHEMA,
  describeIssues,
  toDefinition,
} from '../budgets/budget-definition.js'
import type { BudgetService } from '../budgets/budget-service.js'
import { HttpError } from './http-error.js'

const CHANGE_STATUS: Record<BudgetChangeError['code'], number> = {
  not_found: 404,
  defined_in_file: 409,
  too_many_budgets: 409,
}

/** Who changed a budget, as its record keeps it: `key <id>`, `user <name>` or `open`. */
function changedBy(request: FastifyRequest): string {
  const principal = request.principal
  if (!principal || principal.kind === 'open') return 'open'
  return `${principal.kind} ${principal.id}`
}

/** A body the schema refused: a 400 naming every problem with its path. */
function badRequest(issues: readonly { path: string; message: string }[]): HttpError {
  return new HttpError(
    400,
    'bad_request',
    issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; '),
    { issues },
  )
}

function budgetId(request: FastifyRequest): string {
  const id = (request.params as { id: string }).id
  const parsed = BUDGET_ID_SCHEMA.safeParse(id)
  if (!parsed.success) throw new HttpError(400, 'bad_request', `id: ${parsed.error.issues[0]?.message}`)
  return parsed.data
}

async function change<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  } catch (error) {
    if (error instanceof BudgetChangeError)
      throw new HttpError(CHANGE_STATUS[error.code], error.code, error.message)
    throw error
  }
}

/**
 * The budgets of the request's project (docs/budgets.md): read with their spend and forecast
 * (`read`), defined and deleted (`admin`); and the SDK's view of them, `GET /v1/budgets` with an
 * ingest key, answered from one computation shared by close requests, with an ETag; and the
 * SDK's counts of the calls its budgets refused (`POST /v1/budgets/blocked`).
 */
export function registerBudgetRoutes(app: FastifyInstance, budgets: BudgetService) {
  app.get('/api/budgets', async (request) => budgets.list(request.project))

  app.get('/api/budgets/:id', async (request) => {
    const id = budgetId(request)
    const budget = await budgets.get(request.project, id)
    if (!budget) throw new HttpError(404, 'not_found', `no budget ${JSON.stringify(id)} in this project`)
    return budget
  })

  app.put('/api/budgets/:id', async (request, reply) => {
    const id = budgetId(request)
    const parsed = BUDGET_DEFINITION_SCHEMA.safeParse(request.body ?? {})
    if (!parsed.success) throw badRequest(describeIssues(parsed.error.issues))
    const { created } = await change(() =>
      budgets.book.put(request.project, id, toDefinition(id, parsed.data), changedBy(request)),
    )
    return reply.status(created ? 201 : 200).send(await budgets.get(request.project, id))
  })

  app.delete('/api/budgets/:id', async (request) => {
    const id = budgetId(request)
    const now = await change(() => budgets.book.remove(request.project, id, changedBy(request)))
    return { deleted: id, budget: now ? ((await budgets.get(request.project, id)) ?? null) : null }
  })

  app.get('/v1/budgets', async (request, reply) => {
    const arrivedAt = budgets.now()
    const state = await budgets.wireState(request.project)
    // How long before this request arrived its spend was read: 0 when read for it, more when shared.
    const age = String(Math.max(0, arrivedAt - state.readAt))
    reply.header('etag', state.etag).header('cache-control', 'no-cache').header(BUDGET_STATE_AGE_HEADER, age)
    const asked = request.headers['if-none-match']
    if (asked?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === state.etag))
      return reply.status(304).send()
    return state.answer
  })

  app.post(BLOCKED_CALLS_PATH, async (request) => {
    const parsed = BLOCKED_CALLS_REPORT_SCHEMA.safeParse(request.body ?? {})
    if (!parsed.success) throw badRequest(describeIssues(parsed.error.issues))
    return { recorded: await budgets.recordBlocked(request.project, parsed.data) }
  })
}
