import { spawnSync } from 'node:child_process'
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultSpoolDir, diskSpool } from './disk-spool.js'

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spendlens-disk-spool-'))
  folders.push(dir)
  return dir
}

const line = (id: string) => JSON.stringify({ event_id: id })

/** A pid that belonged to a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''])
  return child.pid as number
}

function leftover(dir: string, key: string, ids: string[], owner: string) {
  writeFileSync(join(dir, `${key}-${ids.length}.${owner}.jsonl`), `${ids.map(line).join('\n')}\n`)
}

async function readAll(spool: ReturnType<typeof diskSpool>): Promise<string[]> {
  const lines: string[] = []
  for (let segment = spool.oldest(); segment; segment = spool.oldest()) {
    lines.push(...(await spool.read(segment)).lines)
    spool.remove(segment)
  }
  return lines.map((text) => (JSON.parse(text) as { event_id: string }).event_id)
}

describe('diskSpool', () => {
  it('writes one segment per call and gives them back oldest first', async () => {
    const dir = folder()
    const spool = diskSpool({ dir: join(dir, 'nested', 'spool') })

    expect(spool.writeSync([line('a'), line('b')]).ok).toBe(true)
    expect(spool.writeSync([line('c')]).ok).toBe(true)

    expect(spool.events).toBe(3)
    expect(await readAll(spool)).toEqual(['a', 'b', 'c'])
    expect(spool.events).toBe(0)
    expect(readdirSync(join(dir, 'nested', 'spool'))).toEqual([])
  })

  it('puts a batch written with an earlier reserved key ahead of later writes', async () => {
    const spool = diskSpool({ dir: folder() })
    const key = spool.reserveKey()

    spool.writeSync([line('newer')])
    spool.writeSync([line('older')], key)

    expect(await readAll(spool)).toEqual(['older', 'newer'])
  })

  it('claims the segments of a process that is gone, in their original order', async () => {
    const dir = folder()
    const gone = `${deadPid()}-0badf00d`
    leftover(dir, '1767225600000-00000002', ['c'], gone)
    leftover(dir, '1767225600000-00000001', ['a', 'b'], gone)
    // An earlier process that had this very pid (pid 1 in a container, for instance).
    leftover(dir, '1767225600001-00000001', ['d'], `${process.pid}-deadbeef`)
    const spool = diskSpool({ dir })

    expect(await spool.claimLeftovers()).toBe(3)
    expect(spool.events).toBe(4)
    expect(await readAll(spool)).toEqual(['a', 'b', 'c', 'd'])
  })

  it('leaves alone the segments of a spool that is still alive, here or in another process', async () => {
    const dir = folder()
    const alive = diskSpool({ dir })
    alive.writeSync([line('mine')])
    leftover(dir, '1767225600000-00000001', ['parent'], `${process.ppid}-12345678`)
    const other = diskSpool({ dir })

    expect(await other.claimLeftovers()).toBe(0)
    expect(other.oldest()).toBeUndefined()
    expect(await readAll(alive)).toEqual(['mine'])
  })

  it('lets exactly one of two spools claim each leftover segment', async () => {
    const dir = folder()
    const gone = `${deadPid()}-0badf00d`
    for (let index = 1; index <= 20; index++)
      leftover(dir, `1767225600000-${String(index).padStart(8, '0')}`, [`e${index}`], gone)
    const first = diskSpool({ dir })
    const second = diskSpool({ dir })

    const [claimedByFirst, claimedBySecond] = await Promise.all([
      first.claimLeftovers(),
      second.claimLeftovers(),
    ])

    expect(claimedByFirst + claimedBySecond).toBe(20)
    const all = [...(await readAll(first)), ...(await readAll(second))].sort()
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => `e${i + 1}`).sort())
  })

  it('skips a line cut short by a crash and reports it', async () => {
    const dir = folder()
    const spool = diskSpool({ dir })
    const written = spool.writeSync([line('a'), line('b')])
    if (!written.ok) throw new Error(written.reason)
    appendFileSync(join(dir, written.segment.name), '{"event_id":"c","tr')

    expect(await spool.read(written.segment)).toEqual({ lines: [line('a'), line('b')], invalid: 1 })
  })

  it('refuses, without throwing, a write beyond maxBytes or to a folder it cannot create', () => {
    const dir = folder()
    const small = diskSpool({ dir, maxBytes: 40 })
    const blocker = join(dir, 'file')
    writeFileSync(blocker, '')
    const impossible = diskSpool({ dir: join(blocker, 'spool') })

    expect(small.writeSync([line('a')]).ok).toBe(true)
    expect(small.writeSync([line('b'), line('c')])).toEqual({
      ok: false,
      reason: expect.stringContaining('full'),
    })
    expect(impossible.writeSync([line('a')])).toEqual({ ok: false, reason: expect.any(String) })
  })

  it('defaults to a folder per endpoint under the temp folder, or $SPENDLENS_SPOOL_DIR', () => {
    const saved = process.env.SPENDLENS_SPOOL_DIR
    try {
      delete process.env.SPENDLENS_SPOOL_DIR
      const local = defaultSpoolDir('http://localhost:4600')
      expect(local.startsWith(join(tmpdir(), 'spendlens-spool', 'localhost-4600-'))).toBe(true)
      expect(defaultSpoolDir('http://localhost:4601')).not.toBe(local)
      process.env.SPENDLENS_SPOOL_DIR = '/var/spool/spendlens'
      expect(defaultSpoolDir('http://localhost:4600')).toBe('/var/spool/spendlens')
    } finally {
      if (saved === undefined) delete process.env.SPENDLENS_SPOOL_DIR
      else process.env.SPENDLENS_SPOOL_DIR = saved
    }
  })
})
