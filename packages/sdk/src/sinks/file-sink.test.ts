import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type CostEvent, emptyUsage } from '../cost-event.js'
import { buildCostEvent } from '../record/build-cost-event.js'
import { fileSink } from './file-sink.js'

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spendlens-file-sink-'))
  folders.push(dir)
  return dir
}

function event(index: number): CostEvent {
  return buildCostEvent({
    event_id: `evt-${String(index).padStart(4, '0')}`,
    started_at: Date.UTC(2026, 0, 1, 12, 0, 0) + index,
    latency_ms: 100,
    ttft_ms: null,
    provider: 'openai',
    operation: 'chat',
    requested_model: 'gpt-4o-mini',
    model: 'gpt-4o-mini',
    provider_request_id: null,
    tags: { feature: 'file-sink' },
    usage: { ...emptyUsage(), input_tokens: 10, output_tokens: 5 },
    service_tier: null,
    batch: false,
    status: 'ok',
    error_type: null,
    http_status: 200,
    streamed: false,
  })
}

function idsIn(path: string): string[] {
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as CostEvent).event_id)
}

const quiet = { onWarning: () => undefined }

describe('fileSink', () => {
  it('appends one CostEvent per line, creating the folder', async () => {
    const path = join(folder(), 'logs', 'spendlens.jsonl')
    const sink = fileSink({ path, ...quiet })

    sink.write([event(1), event(2)])
    sink.write([event(3)])
    await sink.flush()

    const lines = readFileSync(path, 'utf8').split('\n')
    expect(lines.at(-1)).toBe('')
    expect(lines.slice(0, -1).map((line) => JSON.parse(line))).toStrictEqual([event(1), event(2), event(3)])
    expect(sink.stats?.()).toEqual({ sent: 3, pending: 0, dropped: 0, failedAttempts: 0 })
  })

  it('keeps lines in memory until the interval, then writes them on its own', async () => {
    const path = join(folder(), 'events.jsonl')
    const sink = fileSink({ path, flushIntervalMs: 20, ...quiet })

    sink.write([event(1)])
    expect(idsIn(path)).toEqual([])
    await vi.waitFor(() => expect(idsIn(path)).toEqual(['evt-0001']), { timeout: 10_000 })
  })

  it('flushSync writes the buffered lines before it returns', () => {
    const path = join(folder(), 'events.jsonl')
    const sink = fileSink({ path, flushIntervalMs: 60_000, ...quiet })

    sink.write([event(1), event(2)])
    sink.flushSync?.()

    expect(idsIn(path)).toEqual(['evt-0001', 'evt-0002'])
  })

  it('appends to a file left by an earlier run', async () => {
    const path = join(folder(), 'events.jsonl')
    writeFileSync(path, `${JSON.stringify(event(1))}\n`)
    const sink = fileSink({ path, ...quiet })

    sink.write([event(2)])
    await sink.flush()

    expect(idsIn(path)).toEqual(['evt-0001', 'evt-0002'])
  })

  it('rotates by size between lines and keeps maxFiles files, newest last', async () => {
    const path = join(folder(), 'events.jsonl')
    const lineBytes = JSON.stringify(event(1)).length + 1
    // Three lines per file.
    const sink = fileSink({ path, maxBytes: lineBytes * 3 + 10, maxFiles: 3, ...quiet })

    for (let index = 1; index <= 20; index++) {
      sink.write([event(index)])
      if (index % 4 === 0) await sink.flush()
    }
    await sink.flush()

    const files = [`${path}.2`, `${path}.1`, path]
    for (const file of files) expect(statSync(file).size).toBeLessThanOrEqual(lineBytes * 3 + 10)
    expect(existsSync(`${path}.3`)).toBe(false)
    // Oldest file first, the kept events are the newest ones, contiguous and in order.
    const kept = files.flatMap(idsIn)
    expect(kept).toEqual(
      Array.from({ length: kept.length }, (_, i) => event(20 - kept.length + 1 + i).event_id),
    )
    expect(idsIn(path).length).toBeGreaterThan(0)
    expect(kept.length).toBeGreaterThanOrEqual(7)
    expect(sink.stats?.()).toMatchObject({ sent: 20, dropped: 0 })
  })

  it('counts and warns about events it cannot write, and never throws', async () => {
    const blocker = join(folder(), 'file')
    writeFileSync(blocker, '')
    const warnings: string[] = []
    const sink = fileSink({
      path: join(blocker, 'events.jsonl'),
      onWarning: (message) => warnings.push(message),
    })

    sink.write([event(1), event(2)])
    await expect(sink.flush()).resolves.toBeUndefined()

    expect(sink.stats?.()).toMatchObject({ sent: 0, dropped: 2, failedAttempts: 1 })
    expect(warnings).toEqual([expect.stringContaining('could not write 2 events')])
  })
})
