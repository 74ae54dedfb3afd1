import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { CostEvent } from 'spendlens'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { costEvent } from '../src/demo/cost-event.js'
import { createApp } from '../src/http/create-app.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'

// The real server on a DuckDB file, its ingest on worker threads (the built worker script: `npx tsc -b
// packages/sdk packages/server` first), its log captured: an unpriced model is warned about once.

let folder: string
let store: Store
let app: FastifyInstance
let url: string
const log: string[] = []
let sent = 0

const event = (overrides: Partial<CostEvent>): CostEvent =>
  costEvent({
    event_id: `e${sent++}`,
    ts: new Date().toISOString(),
    input_tokens: 1_000,
    output_tokens: 100,
    ...overrides,
  })

async function send(events: CostEvent[]) {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  })
  expect(response.status).toBe(200)
}

const warnings = () =>
  log
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.level === 40 && /unpriced model/.test(entry.msg))

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-unpriced-warning-'))
  store = await openStore(join(folder, 'events.duckdb'))
  app = await createApp({ store, ingestWorkers: 1, logStream: { write: (line: string) => log.push(line) } })
  url = await app.listen({ port: 0, host: '127.0.0.1' })
}, 60_000)
afterAll(async () => {
  await app?.close()
  await store?.close()
  await rm(folder, { recursive: true, force: true })
})

describe('the warning about unpriced models', () => {
  it('is logged once per model however many events and requests carry it, never for a priced model or a call without usage', async () => {
    await send([...Array.from({ length: 5 }, () => event({ model: 'acme-ft' })), event({}), event({})])
    await send([
      event({ model: 'acme-ft' }),
      event({ model: 'acme-ft' }),
      event({ model: 'globex-private-1' }),
    ])
    // gpt-4o-mini without usage (a stream abandoned before its usage arrived): unpriced, but its model has a price.
    await send([event({ input_tokens: null, output_tokens: null, status: 'cancelled' })])
    await send([event({ model: 'acme-ft' })])
    expect(warnings().map(({ project, provider, model }) => ({ project, provider, model }))).toEqual([
      { project: 'default', provider: 'openai', model: 'acme-ft' },
      { project: 'default', provider: 'openai', model: 'globex-private-1' },
    ])
    expect(warnings()[0].msg).toBe(
      'unpriced model openai/acme-ft in project default: the catalog and the supplement have no price for it, so its calls are stored with an unknown cost (docs/pricing.md)',
    )
    const [row] = await store.query({
      timeZone: 'UTC',
      filters: [],
      groupBy: [],
      metrics: ['requests', 'unpriced_count'],
    })
    expect(row).toMatchObject({ requests: 12, unpriced_count: 10 })
  })
})
