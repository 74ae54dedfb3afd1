import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CostEvent } from 'spendlens'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type EventRows, encodeRows } from '../src/store/clickhouse/encode-rows.js'
import { OutageSpool } from '../src/store/clickhouse/outage-spool.js'
import { StoreUnavailableError } from '../src/store/store-unavailable.js'

function rows(ids: string[], minute = 0): EventRows {
  return encodeRows(
    ids.map(
      (id) =>
        ({
          schema_version: 1,
          event_id: id,
          ts: new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString(),
          provider: 'openai',
          operation: 'chat',
          model: 'gpt-4o-mini',
          tags: {},
        }) as unknown as CostEvent,
    ),
  )
}

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' })

let dir: string
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'spendlens-spool-')), 'spool')
})
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true })
})

describe('OutageSpool', () => {
  it('stores the batches in the order they came, retrying while ClickHouse is unreachable', async () => {
    let reachable = false
    const stored: string[][] = []
    const spool = await OutageSpool.open({ dir, retryMs: 10 }, async (batch) => {
      if (!reachable) throw refused()
      stored.push(batch.eventIds)
    })
    await spool.add(rows(['a1', 'a2']))
    await spool.add(rows(['b1']))
    await spool.add(rows(['c1', 'c2', 'c3']))
    expect(spool.pending).toBe(true)
    reachable = true
    await vi.waitFor(() => expect(spool.pending).toBe(false))
    expect(stored).toEqual([['a1', 'a2'], ['b1'], ['c1', 'c2', 'c3']])
    expect((await readdir(dir)).filter((name) => name.endsWith('.json'))).toEqual([])
    await spool.close()
  })

  it('answers buffered for the latest version of each id in a batch and duplicate for its other copies', async () => {
    const spool = await OutageSpool.open({ dir, retryMs: 10_000 }, async () => {
      throw refused()
    })
    const batch = rows(['x', 'y'], 5)
    const older = rows(['x'], 1)
    const joined: EventRows = {
      format: 'rows',
      rows: 3,
      eventIds: [...older.eventIds, ...batch.eventIds],
      records: [...older.records, ...batch.records],
    }
    expect((await spool.add(joined)).statuses).toEqual(['duplicate', 'buffered', 'buffered'])
    await spool.close()
  })

  it('refuses with StoreUnavailableError past its bound, and keeps what it took', async () => {
    // Room for two one-event batches, not three.
    const maxBytes = 2 * Buffer.byteLength(JSON.stringify(rows(['a']).records)) + 10
    const spool = await OutageSpool.open({ dir, maxBytes, retryMs: 10_000 }, async () => {
      throw refused()
    })
    await spool.add(rows(['a']))
    await spool.add(rows(['b']))
    const full = await spool.add(rows(['c'])).catch((error: unknown) => error)
    expect(full).toBeInstanceOf(StoreUnavailableError)
    expect(String((full as Error).message)).toMatch(/outage buffer .* is full/)
    expect(spool.size).toBeLessThanOrEqual(maxBytes)
    expect((await readdir(dir)).filter((name) => name.endsWith('.json'))).toHaveLength(2)
    await spool.close()
  })

  it('picks up the batches an earlier run left, drops a half-written one, and continues the numbering', async () => {
    const first = await OutageSpool.open({ dir, retryMs: 10_000 }, async () => {
      throw refused()
    })
    await first.add(rows(['left-1']))
    await first.add(rows(['left-2']))
    await first.close()
    await writeFile(join(dir, '000000000003.json.tmp'), '[{"event_id": "cut sh')

    const stored: string[][] = []
    const second = await OutageSpool.open({ dir, retryMs: 10 }, async (batch) => {
      stored.push(batch.eventIds)
    })
    await second.add(rows(['new']))
    await vi.waitFor(() => expect(second.pending).toBe(false))
    expect(stored).toEqual([['left-1'], ['left-2'], ['new']])
    expect(await readdir(dir)).toEqual(['spool.lock'])
    await second.close()
  })

  it('sets aside a batch ClickHouse refuses for itself, so the ones after it are stored', async () => {
    const stored: string[][] = []
    const spool = await OutageSpool.open({ dir, retryMs: 10 }, async (batch) => {
      if (batch.eventIds[0] === 'bad') throw new Error('Code: 53. Type mismatch')
      stored.push(batch.eventIds)
    })
    await spool.add(rows(['bad']))
    await spool.add(rows(['good']))
    await vi.waitFor(() => expect(spool.pending).toBe(false))
    expect(stored).toEqual([['good']])
    expect((await readdir(dir)).filter((name) => name.endsWith('.refused'))).toEqual([
      '000000000001.json.refused',
    ])
    await spool.close()
  })

  it('is one collector’s own: a second open of the folder while the first holds it fails', async () => {
    const spool = await OutageSpool.open({ dir }, async () => undefined)
    await expect(OutageSpool.open({ dir }, async () => undefined)).rejects.toThrow(/in use by process/)
    await spool.close()
    const again = await OutageSpool.open({ dir }, async () => undefined)
    await again.close()
  })
})
