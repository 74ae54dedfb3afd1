import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { PriceBook } from 'spendlens/internal'
import { z } from 'zod'
import type { Principal } from '../auth/access.js'
import { importEvents } from '../data-transfer/import-events.js'
import { loadDemo } from '../demo/demo-data.js'
import { DEMO_PROJECT, dropDemo } from '../demo/demo-project.js'
import { loadPriceBook, priceBookOf } from '../reprice/price-file.js'
import { repriceMatching, UnknownModelError } from '../reprice/reprice-matching.js'
import { ALL_PROJECTS } from '../schema/users-table.js'
import type { Store } from '../store/store.js'
import { HttpError } from './http-error.js'
import { parseOrThrow } from './query-params.js'

/** Events per page of an export, and at most per import request. */
export const ADMIN_BATCH_SIZE = 5000
/** The header of an export's answer that says how many events it holds (for a progress bar). */
export const EVENTS_TOTAL_HEADER = 'x-spendlens-events-total'

const importBody = z.strictObject({
  backfill: z.boolean().default(false),
  /** Records as the CLI read them from a file (data-transfer/source-batch.ts), each with its label. */
  items: z
    .array(z.union([z.strictObject({ value: z.unknown() }), z.strictObject({ error: z.string() })]))
    .max(ADMIN_BATCH_SIZE),
  labels: z.array(z.string()).max(ADMIN_BATCH_SIZE),
})

const demoBody = z.strictObject({ days: z.number().int().min(1).max(365).default(30) })

const repriceBody = z.strictObject({
  since: z.number().int().optional(),
  until: z.number().int().optional(),
  models: z.array(z.string().min(1)).default([]),
  every_project: z.boolean().default(false),
  dry_run: z.boolean().default(false),
  /** A price file's text (docs/reprice.md); the catalog alone without it. */
  prices: z.object({ name: z.string(), text: z.string() }).optional(),
})

/** Every project when asked and allowed; the request's own otherwise. */
function everyProject(request: FastifyRequest, asked: boolean): boolean {
  if (!asked) return false
  if ((request.principal as Principal).projects !== ALL_PROJECTS)
    throw new HttpError(
      403,
      'project_forbidden',
      'this credential may not use every project: name one (X-Spendlens-Project, or --project)',
    )
  return true
}

/**
 * What the CLI's data commands do through a running server when its store is held by it (DuckDB
 * allows one writer): export, import, the demo and reprice (docs/cli.md "Against a running
 * server"). Admin only (auth/access.ts). Each does what the command does on an open store, with the
 * same code.
 */
export function registerAdminRoutes(app: FastifyInstance, store: Store): void {
  /** Every event of the project (or of every project: `?every_project=1`), as JSON Lines, oldest first, streamed. */
  app.get('/api/admin/events', async (request, reply) => {
    const all = everyProject(request, (request.query as { every_project?: string }).every_project === '1')
    const project = all ? undefined : request.project
    const total = (await store.stats(project)).events
    async function* lines() {
      for await (const events of store.exportEvents(ADMIN_BATCH_SIZE, project))
        if (events.length > 0) yield `${events.map((event) => JSON.stringify(event)).join('\n')}\n`
    }
    return reply
      .header(EVENTS_TOTAL_HEADER, String(total))
      .type('application/x-ndjson')
      .send(Readable.from(lines()))
  })

  /** One batch of an import into the request's project, validated and priced as at ingest (import-events.ts). */
  app.post('/api/admin/events', async (request) => {
    const body = parseOrThrow(importBody, request.body)
    if (body.items.length !== body.labels.length)
      throw new HttpError(400, 'bad_request', 'items and labels must be as many')
    async function* batches() {
      yield { items: body.items, labels: body.labels }
    }
    return importEvents(
      store,
      { kind: 'batches', batches: batches() },
      { backfill: body.backfill, project: request.project, batchSize: ADMIN_BATCH_SIZE },
    )
  })

  /**
   * Loads the demo into its own project (`spendlens demo`). Any admin may load or drop it, whatever
   * its key's project: it is sample data, the same on every server, and nobody's to protect.
   */
  app.post('/api/admin/demo', async (request) => {
    const { days } = parseOrThrow(demoBody, request.body ?? {})
    return { project: DEMO_PROJECT, ...(await loadDemo(store, { days, project: DEMO_PROJECT })) }
  })

  /** Drops the demo's project whole (`spendlens demo drop`, the dashboard's demo banner). */
  app.delete('/api/admin/demo', async () => {
    try {
      return await dropDemo(store)
    } catch (error) {
      throw new HttpError(409, 'demo_not_droppable', (error as Error).message)
    }
  })

  /** Recomputes stored costs (`spendlens reprice`); answers the report (reprice-events.ts). */
  app.post('/api/admin/reprice', async (request) => {
    const body = parseOrThrow(repriceBody, request.body ?? {})
    const all = everyProject(request, body.every_project)
    let book: PriceBook
    try {
      book =
        body.prices === undefined
          ? await loadPriceBook(undefined)
          : priceBookOf(body.prices.text, body.prices.name)
    } catch (error) {
      throw new HttpError(400, 'bad_request', (error as Error).message)
    }
    try {
      return await repriceMatching(store, {
        scope: {
          ...(body.since === undefined ? {} : { from: new Date(body.since) }),
          ...(body.until === undefined ? {} : { to: new Date(body.until) }),
          ...(all ? {} : { project: request.project }),
        },
        patterns: body.models,
        book,
        dryRun: body.dry_run,
      })
    } catch (error) {
      if (error instanceof UnknownModelError) throw new HttpError(400, 'bad_request', error.message)
      throw error
    }
  })
}
