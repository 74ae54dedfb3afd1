import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { ProjectAlerts } from '../alerts/project-alerts.js'
import { type AlertDeliveriesAnswer, ANOMALY_STATES, type AnomaliesAnswer } from '../api/api-types.js'
import { ALERT_DELIVERIES_TABLE } from '../schema/alert-deliveries-table.js'
import { ANOMALIES_TABLE, toAnomaly } from '../schema/anomalies-table.js'
import type { Store } from '../store/store.js'
import { HttpError } from './http-error.js'
import { parseOrThrow } from './query-params.js'

const listParams = z.object({
  state: z.enum(ANOMALY_STATES).optional(),
  since: z.iso
    .date()
    .transform((value) => Date.parse(`${value}T00:00:00Z`))
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  project: z.string().optional(),
})
/** What a person may set: an anomaly resolves on its own, so `resolved` is not theirs to set. */
const stateBody = z.object({ state: z.enum(['open', 'acknowledged', 'muted']) })

/**
 * The anomalies of the request's project (docs/anomalies.md): open ones first, then by money at
 * stake; and a person's acknowledgement or mute. Detection itself runs in the background job.
 */
export function registerAnomalyRoutes(app: FastifyInstance, store: Store, alerts: ProjectAlerts) {
  const ofProject = async (project: string) =>
    (await store.readRecords(ANOMALIES_TABLE)).filter((anomaly) => anomaly.project === project)

  app.get('/api/anomalies', async (request): Promise<AnomaliesAnswer> => {
    const params = parseOrThrow(listParams, request.query)
    const open = (state: string) => (state === 'open' || state === 'acknowledged' ? 0 : 1)
    const anomalies = (await ofProject(request.project))
      .filter((anomaly) => !params.state || anomaly.state === params.state)
      .filter((anomaly) => params.since === undefined || anomaly.end > params.since)
      .sort((a, b) => open(a.state) - open(b.state) || b.moneyAtStakeNanos - a.moneyAtStakeNanos)
      .slice(0, params.limit)
    return { anomalies: anomalies.map(toAnomaly) }
  })

  /** The alert messages sent for this project's anomalies, newest first (docs/alerts.md "Delivery log"). */
  app.get('/api/alerts/deliveries', async (request): Promise<AlertDeliveriesAnswer> => {
    const { limit } = parseOrThrow(
      z.object({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        project: z.string().optional(),
      }),
      request.query,
    )
    const deliveries = (await store.readRecords(ALERT_DELIVERIES_TABLE))
      .filter((delivery) => delivery.project === request.project)
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, limit)
    return {
      deliveries: deliveries.map((delivery) => ({
        id: delivery.id,
        channel: delivery.channel,
        type: delivery.type,
        anomaly_ids: delivery.anomalyIds,
        status: delivery.status,
        attempts: delivery.attempts,
        last_error: delivery.lastError || null,
        created_at: new Date(delivery.createdAt).toISOString(),
        last_attempt_at:
          delivery.lastAttemptAt === null ? null : new Date(delivery.lastAttemptAt).toISOString(),
        delivered_at: delivery.deliveredAt === null ? null : new Date(delivery.deliveredAt).toISOString(),
      })),
      alerts_configured: (alerts.configOf(request.project).config?.channels.length ?? 0) > 0,
    }
  })

  app.post('/api/anomaly-state/:id', async (request) => {
    const { state } = parseOrThrow(stateBody, request.body ?? {})
    const id = (request.params as { id: string }).id
    const anomaly = (await ofProject(request.project)).find((current) => current.id === id)
    if (!anomaly) throw new HttpError(404, 'not_found', `no anomaly ${JSON.stringify(id)} in this project`)
    if (anomaly.state === 'resolved')
      throw new HttpError(409, 'anomaly_resolved', 'this anomaly is over; a new one opens if it comes back')
    const updated = { ...anomaly, state, updatedAt: Date.now() }
    await store.writeRecords(ANOMALIES_TABLE, [updated])
    return toAnomaly(updated)
  })
}
