import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { ProjectAlerts, ProjectAlertsConfig } from '../alerts/project-alerts.js'
import { parseEditedConfig, redactSecrets } from '../alerts/redact-secrets.js'
import { HttpError } from './http-error.js'
import { parseOrThrow } from './query-params.js'

const testBody = z.object({ channel: z.string().min(1).max(64) })

/** A configuration as the API shows it: never a secret (alerts/redact-secrets.ts). */
function configView(current: ProjectAlertsConfig) {
  return {
    source: current.source,
    config: current.config ? redactSecrets(current.config) : null,
    changed_at: current.changedAt === undefined ? null : new Date(current.changedAt).toISOString(),
    changed_by: current.changedBy ?? null,
  }
}

/** Who changed a configuration, as the record keeps it: `key <id>`, `user <name>` or `open`. */
function changedBy(request: FastifyRequest): string {
  const principal = request.principal
  if (!principal || principal.kind === 'open') return 'open'
  return `${principal.kind} ${principal.id}`
}

/**
 * The alerts configuration of the request's project (admin, docs/alerts.md): read it with its
 * secrets redacted, replace it whole, drop it (back to the server's file), and send a channel a test
 * message. A change routes the project's next anomalies at once and touches no other project.
 */
export function registerAlertConfigRoutes(app: FastifyInstance, alerts: ProjectAlerts) {
  app.get('/api/alerts/config', async (request) => configView(alerts.configOf(request.project)))

  app.put('/api/alerts/config', async (request) => {
    const edited = parseEditedConfig(request.body, alerts.configOf(request.project).config)
    if (!edited.success)
      throw new HttpError(
        400,
        'invalid_alerts_config',
        edited.issues
          .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
          .join('; '),
        { issues: edited.issues },
      )
    return configView(await alerts.set(request.project, edited.config, changedBy(request)))
  })

  app.delete('/api/alerts/config', async (request) =>
    configView(await alerts.clear(request.project, changedBy(request))),
  )

  app.post('/api/alerts/test', async (request) => {
    const { channel } = parseOrThrow(testBody, request.body ?? {})
    const current = alerts.configOf(request.project)
    const delivery = await alerts.sendTest(request.project, channel)
    if (!delivery)
      throw new HttpError(
        404,
        'not_found',
        current.config
          ? `no channel ${JSON.stringify(channel)} in this project's alerts configuration (${current.source === 'api' ? 'its own' : 'the --alerts file'})`
          : 'this project has no alerts configuration: PUT /api/alerts/config first',
      )
    return {
      id: delivery.id,
      channel: delivery.channel,
      kind: delivery.kind,
      ok: delivery.status === 'delivered',
      error: delivery.lastError || null,
    }
  })
}
