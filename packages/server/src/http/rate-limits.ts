import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import { routeAccess } from '../auth/access.js'
import { HttpError } from './http-error.js'

export interface RateLimits {
  /** On the ingest routes (`/v1/…`). Default 6,000: a hundred batches a second per key. */
  ingestPerMinute?: number
  /** On the API (`/api/…`). Default 1,200: the dashboard's overview sends about a dozen at once. */
  queryPerMinute?: number
}

export const DEFAULT_RATE_LIMITS: Required<RateLimits> = { ingestPerMinute: 6000, queryPerMinute: 1200 }

/**
 * Per-credential rate limits (@fastify/rate-limit), counted after authentication: by key, user or
 * (on an open server) client address. A client over its limit gets 429 with `Retry-After`, which the
 * SDK honours. Dashboard files are not limited.
 */
export async function registerRateLimits(app: FastifyInstance, limits: Required<RateLimits>) {
  const limitOf = (url: string, method: string) => {
    const access = routeAccess(url.split('?')[0] ?? '/', method)
    if (access === 'public') return 0
    return access === 'ingest' ? limits.ingestPerMinute : limits.queryPerMinute
  }
  await app.register(fastifyRateLimit, {
    hook: 'preHandler',
    timeWindow: 60_000,
    max: (request) => limitOf(request.url, request.method) || Number.MAX_SAFE_INTEGER,
    allowList: (request) =>
      limitOf(request.url, request.method) === 0 && !request.routeOptions.config.rateLimit,
    keyGenerator: (request) => {
      const principal = request.principal
      const who = principal && principal.kind !== 'open' ? `${principal.kind}:${principal.id}` : request.ip
      const path = request.url.split('?')[0] ?? '/'
      // The SDK's budget polling (and its counts of refused calls) is counted apart from its events, so that neither starves the other.
      const bucket = path.startsWith('/v1/budgets') ? 'budgets' : routeAccess(path, request.method)
      return `${bucket}|${who}`
    },
    // Thrown, and answered by the error handler with the one error shape (Retry-After is already set).
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        'rate_limited',
        `over ${context.max} requests a minute for this credential; retry in ${context.after}`,
      ),
  })
}
