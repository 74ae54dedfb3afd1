import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { runCli } from './cli-process.js'
import { EVENTS } from './reprice-fixtures.js'

// `npm run check:prices` is the built CLI's `check-prices` (`npx tsc -b packages/sdk packages/server`
// first), run here on a DuckDB store on disk, against a doctored snapshot and supplement.

const REPO = new URL('../../../', import.meta.url)
let folder: string
let storePath: string
let snapshotPath: string
let supplementPath: string
let emptyFixtures: string

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-check-prices-'))
  storePath = join(folder, 'events.duckdb')
  const store = await openDuckDBStore(storePath)
  // A call to a local Ollama server: a known $0, which no catalog lists and no check should.
  const local = EVENTS[0] as (typeof EVENTS)[number]
  await store.append([
    ...EVENTS,
    {
      ...local,
      event_id: 'local-ollama-call',
      provider: 'ollama',
      model: 'llama3.2',
      cost_usd: 0,
      pricing_status: 'priced',
      price_source: 'free:ollama',
    },
  ])
  await store.close()
  // The release's prices, but gpt-4o-mini's input price was $0.10 then (it is $0.15 now).
  const snapshot = JSON.parse(await readFile(new URL('packages/sdk/release-prices.json', REPO), 'utf8'))
  snapshot.prices['openai/gpt-4o-mini'] = { ...snapshot.prices['openai/gpt-4o-mini'], input_mtok: 0.1 }
  snapshotPath = join(folder, 'release-prices.json')
  await writeFile(snapshotPath, JSON.stringify(snapshot))
  // The SDK's supplement plus an entry for a model the catalog prices.
  const supplement = JSON.parse(
    await readFile(new URL('packages/sdk/src/pricing/supplement.json', REPO), 'utf8'),
  )
  supplement.entries.push({
    provider: 'openai',
    model: 'gpt-4o-mini',
    prices: { input_mtok: 0.15, output_mtok: 0.6 },
    label: 'openai/gpt-4o-mini',
    source: 'https://platform.openai.com/docs/pricing',
    checked: '2026-12-01',
  })
  supplementPath = join(folder, 'supplement.json')
  await writeFile(supplementPath, JSON.stringify(supplement))
  emptyFixtures = join(folder, 'no-fixtures')
  await mkdir(emptyFixtures)
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

const doctored = () => [
  'check-prices',
  '--store',
  storePath,
  '--snapshot',
  snapshotPath,
  '--supplement',
  supplementPath,
  '--fixtures',
  emptyFixtures,
]

describe('spendlens check-prices (npm run check:prices)', () => {
  it('lists the unpriced model of the store with its calls and tokens, the changed price and the covered entry', async () => {
    const run = await runCli([...doctored(), '--format', 'json'])
    expect(run.status, run.stderr).toBe(0)
    const check = JSON.parse(run.stdout)
    expect(check.unpriced).toEqual([
      {
        provider: 'openai',
        model: 'acme-ft',
        seen_in: storePath,
        requests: 1,
        input_tokens: 1_000,
        output_tokens: 100,
      },
      // Priced when stored by a catalog that knew it; the installed one does not.
      {
        provider: 'openai',
        model: 'mystery-model',
        seen_in: storePath,
        requests: 1,
        input_tokens: 1_000,
        output_tokens: 100,
      },
    ])
    expect(check.changed).toEqual([
      {
        provider: 'openai',
        model: 'gpt-4o-mini',
        before: expect.objectContaining({ input_mtok: 0.1, output_mtok: 0.6 }),
        after: expect.objectContaining({ input_mtok: 0.15, output_mtok: 0.6 }),
      },
    ])
    expect(check.covered).toEqual([
      {
        provider: 'openai',
        model: 'gpt-4o-mini',
        label: 'openai/gpt-4o-mini',
        supplement: { input_mtok: 0.15, output_mtok: 0.6 },
        catalog_source: 'genai-prices:openai/gpt-4o-mini',
        catalog: expect.objectContaining({ input_mtok: 0.15 }),
      },
    ])
  })

  it('prints the three lists as tables', async () => {
    const run = await runCli(doctored())
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toContain('Models seen with no price (their calls are stored unpriced):')
    expect(run.stdout).toMatch(/openai[\s│]+acme-ft[\s│]+1[\s│]+1,000[\s│]+100[\s│]/)
    expect(run.stdout).toMatch(/openai[\s│]+gpt-4o-mini[\s│]+input_mtok \$0\.1,.*│ input_mtok \$0\.15,/)
    expect(run.stdout).toContain('Supplement entries the catalog now covers (remove them')
  })

  it('--strict exits 1 when something is listed', async () => {
    const run = await runCli([...doctored(), '--strict'])
    expect(run.status).toBe(1)
  })

  it('finds nothing, and --strict exits 0, with the SDK supplement and the committed snapshot of the installed catalog', async () => {
    const run = await runCli([
      'check-prices',
      '--no-store',
      '--fixtures',
      emptyFixtures,
      '--strict',
      '--format',
      'json',
    ])
    expect(run.status, run.stdout + run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ unpriced: [], changed: [], covered: [] })
  })

  it('reads the models of JSON fixtures, the provider from the folder name', async () => {
    const fixtures = join(folder, 'fixtures', 'openai-recorded')
    await mkdir(fixtures, { recursive: true })
    await writeFile(join(fixtures, 'chat.json'), JSON.stringify({ data: [{ model: 'acme-private-1' }] }))
    const run = await runCli([
      'check-prices',
      '--no-store',
      '--fixtures',
      join(folder, 'fixtures'),
      '--snapshot',
      snapshotPath,
      '--format',
      'json',
    ])
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout).unpriced).toEqual([
      { provider: 'openai', model: 'acme-private-1', seen_in: join(fixtures, 'chat.json') },
    ])
  })
})
