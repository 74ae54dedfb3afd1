import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance } from 'fastify'
import { DEMO_META_KEY } from '../demo/demo-data.js'
import { createIngestBuffer } from '../ingest/ingest-buffer.js'
import { type BatchItem, ingestEvents } from '../ingest/ingest-events.js'
import type { Store } from '../store/store.js'
import { SERVER_VERSION } from '../version.js'
import { gunzipBody } from './gunzip-body.js'
import { errorBody, HttpError } from './http-error.js'
import { registerQueryRoutes } from './query-routes.js'

export interface AppOptions {
  store: Store
  logger?: boolean
  /** Folder with the built dashboard; defaults to the one built into this package. */
  publicDir?: string
}

/** Decodes an ingest body: a JSON array, one JSON object, or NDJSON (one event per line). */
function batchItems(body: unknown): BatchItem[] {
  if (typeof body === 'string') {
    return body
      .split('\n')
      .map((line, number) => ({ line: line.trim(), number: number + 1 }))
      .filter(({ line }) => line.length > 0)
      .map(({ line, number }) => {
        try {
          return { value: JSON.parse(line) as unknown }
        } catch {
          return { error: `line ${number}: not valid JSON` }
        }
      })
  }
  if (Array.isArray(body)) return body.map((value) => ({ value }))
  if (body !== null && typeof body === 'object') return [{ value: body }]
  throw new HttpError(400, 'bad_request', 'body must be a JSON array of events, one event object, or NDJSON')
}

/** Largest request body, decompressed. */
const BODY_LIMIT = 10 * 1024 * 1024

export function defaultPublicDir(): string {
  return fileURLToPath(new URL('../public/', import.meta.url))
}

export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const { store } = options
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMIT })

  app.addContentTypeParser(
    ['application/x-ndjson', 'application/ndjson'],
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  )

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof HttpError)
      return reply.status(error.statusCode).send(errorBody(error.code, error.message, error.details))
    const status = (error as { statusCode?: number }).statusCode
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply.status(status).send(errorBody('bad_request', (error as Error).message))
    }
    request.log.error(error)
    return reply.status(500).send(errorBody('internal', 'internal error; see the server log'))
  })
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`)),
  )

  // Concurrent requests are stored together, one append per flush (see IngestBuffer).
  const buffer = createIngestBuffer(store)
  app.addHook('onClose', () => buffer.close())

  await app.register(async (ingest) => {
    // Plain JSON.parse for ingest bodies: Fastify's default parser also scans every body for
    // `__proto__` and `constructor` keys, a sixth of the time parsing takes. The validator copies
    // only the fields it knows into fresh objects, so such keys never reach anything.
    ingest.removeContentTypeParser('application/json')
    ingest.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
      try {
        done(null, JSON.parse((body as Buffer).toString('utf8')))
      } catch (error) {
        done(
          new HttpError(400, 'bad_request', `the body is not valid JSON (${(error as Error).message})`),
          undefined,
        )
      }
    })
    // The SDK gzips its batches (about a tenth of the bytes); the limit applies after decompression.
    ingest.post('/v1/events', { preParsing: gunzipBody(BODY_LIMIT) }, async (request, reply) => {
      const items = batchItems(request.body)
      // The decoded body is garbage once validated: no reference should keep it alive while the
      // batch waits for its flush (at 50,000 events a second, that is a lot of memory to copy).
      request.body = undefined
      const count = items.length
      if (count === 0) throw new HttpError(400, 'bad_request', 'the batch is empty')
      const result = await ingestEvents(buffer, items)
      return reply.status(result.rejected === count ? 400 : 200).send(result)
    })
  })

  app.get('/api/meta', async () => {
    const [stats, demoLoadedAt] = await Promise.all([store.stats(), store.getMeta(DEMO_META_KEY)])
    return {
      version: SERVER_VERSION,
      store: { engine: store.engine, path: store.location },
      demo: { loaded: demoLoadedAt !== null, loaded_at: demoLoadedAt },
      ...stats,
    }
  })

  registerQueryRoutes(app, store)

  const publicDir = options.publicDir ?? defaultPublicDir()
  if (existsSync(publicDir)) {
    await app.register(fastifyStatic, { root: publicDir, prefix: '/' })
  } else {
    app.get('/', async (_request, reply) =>
      reply
        .type('text/plain')
        .send(
          `The dashboard is not built (${publicDir} is missing). Run \`npm run build\` in the spendlens repository.`,
        ),
    )
  }
  return app
}
