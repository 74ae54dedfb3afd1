import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { runCli } from './cli-process.js'
import { EVENTS, PRICE_FILE } from './reprice-fixtures.js'

// The built CLI in a process of its own, on a DuckDB store on disk (`npx tsc -b packages/sdk
// packages/server` first). The figures are reprice-fixtures.ts's, worked out by hand.

let folder: string
let storePath: string
let priceFile: string

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-reprice-cli-'))
  storePath = join(folder, 'events.duckdb')
  priceFile = join(folder, 'prices.json')
  await writeFile(priceFile, PRICE_FILE)
  const store = await openDuckDBStore(storePath)
  await store.append(EVENTS)
  await store.close()
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

async function storedTotal(): Promise<unknown> {
  const store = await openDuckDBStore(storePath)
  try {
    return await store.query({
      timeZone: 'UTC',
      filters: [],
      groupBy: [],
      metrics: ['cost_usd', 'unpriced_count'],
    })
  } finally {
    await store.close()
  }
}

describe('spendlens reprice', () => {
  it('--dry-run reports what would change, by day and model, and writes nothing', async () => {
    const run = await runCli([
      'reprice',
      '--store',
      storePath,
      '--prices',
      priceFile,
      '--dry-run',
      '--format',
      'json',
    ])
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({
      dry_run: true,
      examined: 8,
      repriced: [
        {
          day: '2026-11-02',
          provider: 'openai',
          model: 'gpt-4o-mini',
          events: 2,
          before_usd: 0.0063,
          after_usd: 0.0126,
          difference_usd: 0.0063,
        },
      ],
      newly_priced: [
        { day: '2026-11-02', provider: 'openai', model: 'acme-ft', events: 1, cost_usd: 0.0028 },
      ],
      kept: { client: 1, rules: 1, unknown: 1 },
      changed_meanwhile: 0,
    })
    expect(await storedTotal()).toEqual([{ cost_usd: 0.5241, unpriced_count: 1 }])
  })

  it('reprices the store and prints the changes as tables, with a progress line on stderr', async () => {
    const run = await runCli(['reprice', '--store', storePath, '--prices', priceFile, '--batch-size', '3'])
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toContain(`Repriced 3 of 8 events in ${storePath}.`)
    const lines = run.stdout.split('\n').map((line) =>
      line
        .replace(/[│┌┐└┘├┤┬┴┼─]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    expect(lines).toContain('2026-11-02 openai/gpt-4o-mini 2 $0.0063 $0.0126 +$0.0063')
    expect(lines).toContain('2026-11-02 openai/acme-ft 1 $0.0028')
    expect(run.stdout).toContain(
      'Kept as they were: 1 with a cost the sender supplied (client); 1 priced by a custom price or discount this price file does not have; 1 of models these prices do not know (a known cost is never made unknown).',
    )
    // Not a terminal: plain counts, no redrawn bar.
    expect(run.stderr).toMatch(/8\/8 events/)
    expect(await storedTotal()).toEqual([{ cost_usd: 0.5332, unpriced_count: 0 }])

    const again = await runCli(['reprice', '--store', storePath, '--prices', priceFile])
    expect(again.stdout).toContain(`Repriced 0 of 8 events in ${storePath}.`)
  })

  it('names the stored models near a --model that matches none', async () => {
    const run = await runCli(['reprice', '--store', storePath, '--model', 'gpt-4o-mni'])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('no stored events of model gpt-4o-mni; stored models near it: gpt-4o-mini')
  })

  it('refuses a store that is not there and a price file that is not one', async () => {
    expect((await runCli(['reprice', '--store', join(folder, 'none.duckdb')])).stderr).toContain(
      'no store at',
    )
    const bad = join(folder, 'bad.json')
    await writeFile(
      bad,
      JSON.stringify({ models: [{ provider: 'openai', model: 'x', prices: { input_mtok: -1 } }] }),
    )
    const run = await runCli(['reprice', '--store', storePath, '--prices', bad])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`${bad}: models.0.prices.input_mtok:`)
  })
})

describe('spendlens prices', () => {
  it('shows each price period of a catalog model per token kind, and marks the one --at falls in', async () => {
    // The catalog's o3: $10 input, $0.50 cached input, $40 output per 1M tokens until 2025-06-10, then $2 / $0.50 / $8.
    const run = await runCli(['prices', 'o3', '--provider', 'openai', '--at', '2025-05-01'])
    expect(run.status, run.stderr).toBe(0)
    const rows = run.stdout.split('\n').map((line) =>
      line
        .split('│')
        .map((cell) => cell.trim())
        .filter(Boolean),
    )
    expect(rows).toContainEqual(['until 2025-06-10 ◀ at', 'from 2025-06-10'])
    expect(rows).toContainEqual(['input, per 1M tokens', '$10', '$2'])
    expect(rows).toContainEqual(['cached input (cache read), per 1M tokens', '$0.5', '$0.5'])
    expect(rows).toContainEqual(['output (reasoning included), per 1M tokens', '$40', '$8'])
    expect(rows).toContainEqual(['price_source', 'genai-prices:openai/o3', 'genai-prices:openai/o3'])
    expect(run.stdout).toMatch(/catalog: @pydantic\/genai-prices \d+\.\d+\.\d+/)
    expect(run.stdout).toContain('batch ×0.5 (+batch50%); flex ×0.5 (+flex50%)')
    expect(run.stdout).toContain('At 2025-05-01T00:00:00.000Z: until 2025-06-10, genai-prices:openai/o3.')
  })

  it('shows a price file’s periods before the catalog’s', async () => {
    const run = await runCli([
      'prices',
      'gpt-4o-mini',
      '--provider',
      'openai',
      '--prices',
      priceFile,
      '--format',
      'json',
    ])
    expect(run.status, run.stderr).toBe(0)
    const [found] = JSON.parse(run.stdout).found
    expect(found.periods).toEqual([
      {
        from: null,
        until: '2026-11-02',
        source: 'genai-prices:openai/gpt-4o-mini',
        origin: 'catalog',
        prices: {
          input_mtok: 0.15,
          cache_read_mtok: 0.075,
          output_mtok: 0.6,
          web_searches_kcount: 10,
          storage_searches_kcount: 2.5,
        },
      },
      {
        from: '2026-11-02',
        until: null,
        source: 'custom:acme-mini',
        origin: 'custom',
        prices: { input_mtok: 0.3, cache_read_mtok: 0.15, output_mtok: 1.2 },
      },
    ])
  })

  it('says plainly that a model is unknown, and suggests near matches', async () => {
    const run = await runCli(['prices', 'gpt-4o-mni'])
    expect(run.status).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('no price for gpt-4o-mni in the catalog or the supplement')
    expect(run.stderr).toMatch(/Near matches: gpt-4o-mini \([^)]*openai/)
  })
})
