import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { WHAT_IF_TIERS } from '../api/api-types.js'
import { longContext } from '../long-context/long-context.js'
import { modelMigrations } from '../model-migrations/model-migrations.js'
import { filtersSchema, instantSchema } from '../query/analytics-query.js'
import { DEFAULT_QUERY_TIMEOUT_MS } from '../query/time-limit.js'
import type { Store } from '../store/store.js'
import { WhatIfTargetError, whatIf } from '../what-if/what-if.js'
import { HttpError } from './http-error.js'
import { parseOrThrow, parseScope } from './query-params.js'
import { asHttpError } from './query-routes.js'

const targetSchema = z.strictObject({
  provider: z.string().min(1).max(100),
  model: z.string().min(1).max(200),
  tier: z
    .enum(WHAT_IF_TIERS, {
      // Priority is the one tier people ask for that no catalog prices (the SDK prices such calls at the standard rate, as an estimate).
      error: `tier must be one of ${WHAT_IF_TIERS.join(', ')} (the catalog has no priority prices)`,
    })
    .default('as_recorded'),
  cache_read_share: z.number().min(0).max(1).optional(),
})

/** POST /api/what-if as JSON: the query model's range and filters, and the target. */
const whatIfBody = z
  .strictObject({
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    filters: filtersSchema,
    target: targetSchema,
  })
  .refine((body) => !body.from || !body.to || body.from < body.to, {
    message: 'from must be before to',
    path: ['from'],
  })

export interface ModelRouteOptions {
  /** How long the sums may take (query/time-limit.ts), as every read. */
  queryTimeoutMs?: number
}

/**
 * Model decisions (docs/decisions.md): the same calls priced at another model or tier
 * (what-if/what-if.ts), the model changes the stored history shows (model-migrations/), and the
 * calls near or past a long-context price tier (long-context/).
 */
export function registerModelRoutes(app: FastifyInstance, store: Store, options: ModelRouteOptions = {}) {
  const timeLimit = { timeoutMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS }
  app.post('/api/what-if', async (request) => {
    const body = parseOrThrow(whatIfBody, request.body ?? {})
    try {
      return await whatIf(store, { ...body, project: request.project }, timeLimit)
    } catch (error) {
      if (error instanceof WhatIfTargetError) throw new HttpError(400, error.code, error.message)
      throw asHttpError(error, request)
    }
  })

  app.get('/api/model-migrations', async (request) => {
    const { from, to, timeZone, filters } = parseScope(request.query as Record<string, unknown>)
    try {
      return await modelMigrations(
        store,
        { project: request.project, from, to, timeZone, filters },
        timeLimit,
      )
    } catch (error) {
      throw asHttpError(error, request)
    }
  })

  app.get('/api/long-context', async (request) => {
    const { from, to, filters } = parseScope(request.query as Record<string, unknown>)
    try {
      return await longContext(store, { project: request.project, from, to, filters }, timeLimit)
    } catch (error) {
      throw asHttpError(error, request)
    }
  })
}
