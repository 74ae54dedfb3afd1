import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type RunningServer, startServer } from '../src/start-server.js'

/**
 * For a server whose tests send events with fixed dates (`event()`'s 2026-11-20 and the like): those
 * grow older every day and would fall out of ingest's 30-day window, so such a server takes events
 * of any age, as a backfill does. Tests of the window itself leave it out.
 */
export const FIXED_DATES = { maxEventAgeDays: Number.POSITIVE_INFINITY }

/** A real server on a fresh DuckDB file in a temp folder, on a free port (or the `port` given). */
export async function startTestServer(
  options: {
    demo?: boolean
    storePath?: string
    port?: number
    ingestWorkers?: number
    /** StartServerOptions.maxEventAgeDays: the ingest window's default (30 days) unless given. */
    maxEventAgeDays?: number
  } = {},
) {
  const folder = options.storePath ? undefined : await mkdtemp(join(tmpdir(), 'spendlens-test-'))
  const storePath = options.storePath ?? join(folder as string, 'events.duckdb')
  const server: RunningServer = await startServer({
    storePath,
    port: options.port ?? 0,
    demo: options.demo ?? false,
    ingestWorkers: options.ingestWorkers,
    maxEventAgeDays: options.maxEventAgeDays,
  })
  return {
    server,
    storePath,
    url: (path: string) => new URL(path, server.url).toString(),
    async stop(removeFiles = true) {
      await server.close()
      if (folder && removeFiles) await rm(folder, { recursive: true, force: true })
    },
  }
}

export async function postEvents(url: string, body: unknown, contentType = 'application/json') {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

export async function getJson(url: string) {
  const response = await fetch(url)
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** A minimal valid event; fields can be overridden. */
export function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: `evt-${Math.random().toString(36).slice(2)}`,
    ts: '2026-11-20T10:00:00.000Z',
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4o-mini',
    input_tokens: 1000,
    output_tokens: 100,
    ...overrides,
  }
}
