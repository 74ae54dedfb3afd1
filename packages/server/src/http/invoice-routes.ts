import { stringify } from 'csv-stringify/sync'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { RECONCILE_BY, type ReconcileAnswer } from '../api/api-types.js'
import { reconcile } from '../invoice/reconcile.js'
import { syncStatuses } from '../invoice/sync-status.js'
import type { InvoiceSyncJob } from '../jobs/invoice-sync-job.js'
import { INVOICE_PROVIDERS } from '../schema/invoice-table.js'
import type { Store } from '../store/store.js'
import { HttpError } from './http-error.js'
import { parseOrThrow } from './query-params.js'

const DAY_MS = 86_400_000

/** The tables of a reconciliation a CSV can hold (`?format=csv&table=…`). */
export const RECONCILE_TABLES = [
  'rows',
  'line_items',
  'before_tracking',
  'estimate_by_feature',
  'estimate_by_customer',
] as const

const day = z.iso.date().transform((value) => Date.parse(`${value}T00:00:00Z`))
const reconcileParams = z.object({
  from: day.optional(),
  to: day.optional(),
  by: z.enum(RECONCILE_BY, { error: `by must be one of ${RECONCILE_BY.join(', ')}` }).default('day'),
  estimate: z.enum(['true', 'false']).default('false'),
  format: z.enum(['json', 'csv']).default('json'),
  table: z.enum(RECONCILE_TABLES).default('rows'),
  project: z.string().optional(),
})

/** A reconciliation's range: whole UTC days, `to` inclusive as people write it; default the month to date. */
export function reconcileRange(from: number | undefined, to: number | undefined, now = Date.now()) {
  const today = Math.floor(now / DAY_MS) * DAY_MS
  const start = from ?? Date.UTC(new Date(today).getUTCFullYear(), new Date(today).getUTCMonth(), 1)
  const end = to === undefined ? today + DAY_MS : to + DAY_MS
  if (!(start < end)) throw new HttpError(400, 'bad_request', 'from must not be after to')
  if (end - start > 3 * 366 * DAY_MS) throw new HttpError(400, 'bad_request', 'at most three years at a time')
  return { from: start, to: end }
}

/** One table of a reconciliation as CSV: a column per field, the same names as the JSON. */
export function reconcileCsv(answer: ReconcileAnswer, table: (typeof RECONCILE_TABLES)[number]): string {
  const records: Record<string, unknown>[] =
    table === 'rows'
      ? answer.rows.map((row) => ({ ...row, snapshots: row.snapshots?.join(' ') }))
      : table === 'line_items'
        ? answer.line_items
        : table === 'before_tracking'
          ? (answer.before_tracking?.rows ?? [])
          : table === 'estimate_by_feature'
            ? (answer.before_tracking?.estimate?.by_feature ?? [])
            : (answer.before_tracking?.estimate?.by_customer ?? [])
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))]
  return stringify(
    records.map((record) => columns.map((column) => record[column] ?? '')),
    { header: true, columns },
  )
}

/**
 * The invoice: where each provider's sync stands, a sync started now (admin), and the
 * reconciliation of the invoice with the tracked events (docs/invoice.md), all within the project
 * the request acts on.
 */
export function registerInvoiceRoutes(app: FastifyInstance, store: Store, job: InvoiceSyncJob | undefined) {
  const live = (project: string) => (job && job.project === project ? job.live : undefined)

  app.get('/api/invoice/sync', async (request) => ({
    providers: await syncStatuses(store, request.project, live(request.project)),
  }))

  app.post('/api/invoice/sync/run', async (request, reply) => {
    const { provider } = parseOrThrow(
      z.object({ provider: z.enum(INVOICE_PROVIDERS).optional() }),
      request.body ?? {},
    )
    const providers = INVOICE_PROVIDERS.filter(
      (name) => (provider === undefined || name === provider) && live(request.project)?.(name).configured,
    )
    if (providers.length === 0)
      throw new HttpError(
        409,
        'sync_not_configured',
        `no ${provider ?? 'provider'} admin key is set on this server for project ${request.project}: start it with OPENAI_ADMIN_KEY or ANTHROPIC_ADMIN_KEY (docs/invoice.md)`,
      )
    for (const name of providers) void job?.runNow(name)
    return reply.code(202).send({ started: providers })
  })

  app.get('/api/invoice/reconcile', async (request, reply) => {
    const params = parseOrThrow(reconcileParams, request.query)
    const range = reconcileRange(params.from, params.to)
    const answer = await reconcile(store, {
      project: request.project,
      ...range,
      by: params.by,
      estimate: params.estimate === 'true',
      sync: await syncStatuses(store, request.project, live(request.project)),
    })
    if (params.format === 'csv')
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="spendlens-invoice-${params.table}.csv"`)
        .send(reconcileCsv(answer, params.table))
    return answer
  })
}
