import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runExport, runImport } from '../src/data-transfer/transfer-command.js'
import { costEvent } from '../src/demo/cost-event.js'
import { readRevenue, writeRevenue } from '../src/economics/revenue.js'
import type { StoredOutcome } from '../src/schema/outcomes-table.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'

let folder: string
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-economics-transfer-'))
})
afterEach(() => rm(folder, { recursive: true, force: true }))

const common = { print: () => undefined, progress: { update() {}, stop() {} } }

const outcome = (id: string, project: string, ts_ms: number): StoredOutcome => ({
  project,
  id,
  ts_ms,
  outcome: 'ticket_resolved',
  customer_id: 'acme',
  feature: 'support',
  value_nanos: id.endsWith('1') ? 12_500_000_000 : null,
  received_ms: ts_ms + 1000,
})
const OUTCOMES = [
  outcome('t1', 'default', Date.UTC(2026, 10, 2)),
  outcome('t2', 'default', Date.UTC(2026, 10, 3)),
  outcome('s1', 'shop', Date.UTC(2026, 10, 4)),
]

async function fill(location: string) {
  const store = await openStore(location)
  await store.append([costEvent({ event_id: 'e1', ts: '2026-11-02T10:00:00.000Z', cost_usd: 1 })])
  for (const project of ['default', 'shop'])
    await store.appendOutcomes(
      OUTCOMES.filter((row) => row.project === project),
      project,
    )
  await writeRevenue(store, 'default', [{ customer_id: 'acme', monthly_revenue_usd: 50, plan: 'team' }], {
    replace: true,
    now: 5,
  })
  await writeRevenue(store, 'shop', [{ customer_id: 'acme', monthly_revenue_usd: 9, month: '2026-11' }], {
    replace: true,
    now: 6,
  })
  await store.close()
}

async function everything(store: Store) {
  const outcomes: StoredOutcome[] = []
  for await (const page of store.exportOutcomes()) outcomes.push(...page)
  return {
    outcomes,
    revenue: [...(await readRevenue(store, 'default')), ...(await readRevenue(store, 'shop'))],
  }
}

describe('outcomes and revenue travel with the events', () => {
  it('store → store (DuckDB → ClickHouse), twice: each outcome and revenue entry once', async () => {
    await fill(join(folder, 'source.duckdb'))
    const printed: string[] = []
    for (let run = 0; run < 2; run++)
      await runExport({
        ...common,
        print: (line) => printed.push(line),
        store: join(folder, 'source.duckdb'),
        other: `chdb://${join(folder, 'chdb')}`,
      })
    expect(printed).toContain('  and copied 3 outcomes (docs/decisions.md)')
    expect(printed).toContain('  and copied 0 outcomes (3 already there) (docs/decisions.md)')
    const source = await openStore(join(folder, 'source.duckdb'))
    const copy = await openStore(`chdb://${join(folder, 'chdb')}`)
    try {
      expect(await everything(copy)).toEqual(await everything(source))
    } finally {
      await source.close()
      await copy.close()
    }
  })

  it('a file export writes them beside the events; importing the file reads them back, into --project', async () => {
    await fill(join(folder, 'source.duckdb'))
    const printed: string[] = []
    await runExport({
      ...common,
      print: (line) => printed.push(line),
      store: join(folder, 'source.duckdb'),
      other: join(folder, 'all.jsonl'),
    })
    expect(printed.slice(-2)).toEqual([
      `Exported 3 outcomes to ${join(folder, 'all.outcomes.jsonl')}.`,
      `Exported 2 revenue entries to ${join(folder, 'all.revenue.jsonl')}.`,
    ])
    await runImport({
      ...common,
      store: join(folder, 'copy.duckdb'),
      other: join(folder, 'all.jsonl'),
      backfill: true,
      project: 'team',
    })
    const copy = await openStore(join(folder, 'copy.duckdb'))
    try {
      const outcomes: StoredOutcome[] = []
      for await (const page of copy.exportOutcomes()) outcomes.push(...page)
      expect(outcomes).toEqual(OUTCOMES.map((row) => ({ ...row, project: 'team' })))
      // Both projects' acme entries, now in one project: the standing amount and November's.
      expect((await readRevenue(copy, 'team')).map((record) => [record.id, record.revenueNanos])).toEqual([
        ['team/*/acme', 50e9],
        ['team/2026-11/acme', 9e9],
      ])
    } finally {
      await copy.close()
    }
  })

  it('an export of a store without outcomes or revenue writes no such files', async () => {
    const store = await openStore(join(folder, 'bare.duckdb'))
    await store.append([costEvent({ event_id: 'e1', ts: '2026-11-02T10:00:00.000Z', cost_usd: 1 })])
    await store.close()
    await runExport({ ...common, store: join(folder, 'bare.duckdb'), other: join(folder, 'bare.jsonl') })

    expect(existsSync(join(folder, 'bare.outcomes.jsonl'))).toBe(false)
    expect(existsSync(join(folder, 'bare.revenue.jsonl'))).toBe(false)
  })

  it('an outcomes file with a bad line is refused whole, naming the line, before any outcome or revenue is stored', async () => {
    await fill(join(folder, 'source.duckdb'))
    await runExport({ ...common, store: join(folder, 'source.duckdb'), other: join(folder, 'all.jsonl') })
    const path = join(folder, 'all.outcomes.jsonl')
    const lines = (await readFile(path, 'utf8')).split('\n')
    lines[1] = (lines[1] as string).replace(/"ts_ms":\d+/, '"ts_ms":"soon"')
    await writeFile(path, lines.join('\n'))

    await expect(
      runImport({
        ...common,
        store: join(folder, 'copy.duckdb'),
        other: join(folder, 'all.jsonl'),
        backfill: true,
      }),
    ).rejects.toThrow(/all\.outcomes\.jsonl line 2: ts_ms: /)
    const copy = await openStore(join(folder, 'copy.duckdb'))
    try {
      expect(await readRevenue(copy, 'default')).toEqual([])
    } finally {
      await copy.close()
    }
  })
})
