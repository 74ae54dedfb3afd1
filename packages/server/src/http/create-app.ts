import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance } from 'fastify'
import { DEMO_META_KEY } from '../demo/demo-data.js'
import { BODY_LIMIT, isGzip, type RawBody } from '../ingest/decode-body.js'
import { ingestPath } from '../ingest/ingest-path.js'
import type { Store } from '../store/store.js'
import { SERVER_VERSION } from '../version.js'
import { errorBody, HttpError } from './http-error.js'
import { registerQueryRoutes } from './query-routes.js'

export interface AppOptions {
  store: Store
  logger?: boolean
  /**
   * Worker threads decoding ingest bodies (ingest-workers.ts; default: every core but one, at most
   * four); 0 decodes on the server's thread. Used only with stores that append encoded events.
   */
  ingestWorkers?: number
  /** Folder with the built dashboard; defaults to the one built into this package. */
  publicDir?: string
}

export function defaultPublicDir(): string {
  return fileURLToPath(new URL('../public/', import.meta.url))
}

export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const { store } = options
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMIT })

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

  // Concurrent requests are stored together, one append per flush (see IngestBuffer). A store
  // that takes encoded events gets them from worker threads (ingest-workers.ts).
  const ingest = ingestPath(store, options.ingestWorkers)
  app.addHook('onClose', () => ingest.close())

  await app.register(async (scope) => {
    // Ingest bodies arrive as bytes, decoded (gzip, JSON) where the path decodes them. Fastify's
    // limit applies to the bytes received; the decompressed size is checked when inflating.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser(
      ['application/json', 'application/x-ndjson', 'application/ndjson'],
      { parseAs: 'buffer' },
      (_request, body, done) => done(null, body),
    )
    scope.post('/v1/events', async (request, reply) => {
      const body: RawBody = {
        bytes: request.body as Buffer,
        gzip: isGzip(request.headers['content-encoding']),
        ndjson: /ndjson/i.test(request.headers['content-type'] ?? ''),
      }
      // The bytes are garbage once decoded: nothing should keep them alive while the batch waits.
      request.body = undefined
      const result = await ingest.ingest(body)
      return reply.status(result.rejected === result.results.length ? 400 : 200).send(result)
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
