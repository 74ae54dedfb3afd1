import type { FastifyInstance } from 'fastify'
import type { MetricsService } from '../metrics/metrics-service.js'
import { asHttpError } from './query-routes.js'

/**
 * GET /metrics: the request's project's figures in the Prometheus text format (docs/metrics.md).
 * It needs a read key, sent as Prometheus sends one (`authorization.credentials` in the scrape
 * config: `Authorization: Bearer <key>`); the project is the key's, or `?project=` for a key of several.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: MetricsService) {
  app.get('/metrics', async (request, reply) => {
    const { contentType, body } = await metrics.scrape(request.project).catch((error: unknown) => {
      throw asHttpError(error, request)
    })
    return reply.type(contentType).send(body)
  })
}
