import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs'
import { readdir, readFile, rename, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface SpoolOptions {
  /**
   * Folder of segment files. Default: `$SPENDLENS_SPOOL_DIR`, else
   * `<os.tmpdir()>/spendlens-spool/<host>-<port>-<hash of the endpoint>`, so each server has its own.
   */
  dir?: string
  /** What this process may spool before it drops (and counts) events instead. Default 100 MB. */
  maxBytes?: number
}

/** One segment file: one batch of events, one JSON event per line. */
export interface SegmentRef {
  readonly name: string
  readonly events: number
  readonly bytes: number
}

export type SpoolWrite = { ok: true; segment: SegmentRef } | { ok: false; reason: string }

/**
 * A folder of JSONL segment files that outlives the process. Each segment holds one batch and is
 * deleted only after the server acknowledged that batch, so there is no read offset to keep in step.
 *
 * File names are `<ms>-<seq>-<events>.<pid>-<instance>.jsonl`: sorting them gives the order the
 * events entered the spool, the event count needs no read, and the owner says who may send them.
 * A segment whose owner process is gone is claimed by renaming it (atomic: two processes cannot
 * both win), so a spool left by a crashed or killed process is replayed exactly once by the next.
 */
export interface DiskSpool {
  readonly dir: string
  /** Events in the segments this spool owns (written or claimed). */
  readonly events: number
  /** A sort key taken now, for a batch that may be written later but belongs before later writes. */
  reserveKey(): string
  /** Writes one segment synchronously (safe in an `exit` handler). Never throws. */
  writeSync(lines: readonly string[], key?: string): SpoolWrite
  /** Takes over the segments of processes that are gone. */
  claimLeftovers(): Promise<number>
  /** The oldest owned segment, or undefined. */
  oldest(): SegmentRef | undefined
  /** The segment's lines that parse as JSON, and how many did not (a line cut short by a crash). */
  read(segment: SegmentRef): Promise<{ lines: string[]; invalid: number }>
  /** Deletes a segment once its events are delivered (or refused for good). */
  remove(segment: SegmentRef): void
}

const DEFAULT_MAX_BYTES = 100 * 1024 * 1024
const SEGMENT_NAME = /^(\d{13})-(\d{8})-(\d+)\.(\d+)-([0-9a-f]{8})\.jsonl$/

// Spools alive in this process, shared by every copy of this module (an app can load two).
const LIVE_OWNERS_KEY = Symbol.for('spendlens.spool.live-owners')
const shared = globalThis as { [LIVE_OWNERS_KEY]?: Set<string> }
shared[LIVE_OWNERS_KEY] ??= new Set<string>()
const liveOwners: Set<string> = shared[LIVE_OWNERS_KEY]

export function defaultSpoolDir(endpoint: string): string {
  const fromEnvironment = process.env.SPENDLENS_SPOOL_DIR
  if (fromEnvironment) return fromEnvironment
  let label = 'endpoint'
  try {
    const url = new URL(endpoint)
    label = `${url.hostname}-${url.port || (url.protocol === 'https:' ? '443' : '80')}`.replace(
      /[^\w.-]/g,
      '_',
    )
  } catch {}
  const hash = createHash('sha256').update(endpoint).digest('hex').slice(0, 8)
  return join(tmpdir(), 'spendlens-spool', `${label}-${hash}`)
}

function ownerAlive(owner: string, pid: number): boolean {
  // Same pid, other instance: a previous process that had our pid (pid 1 in most containers).
  if (pid === process.pid) return liveOwners.has(owner)
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function diskSpool(options: { dir: string; maxBytes?: number }): DiskSpool {
  const { dir } = options
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  const owner = `${process.pid}-${randomBytes(4).toString('hex')}`
  liveOwners.add(owner)
  // Owned segments, oldest first.
  const owned: SegmentRef[] = []
  let events = 0
  let bytes = 0
  let sequence = 0
  let dirReady = false

  function insert(segment: SegmentRef) {
    let index = owned.length
    while (index > 0 && (owned[index - 1] as SegmentRef).name > segment.name) index--
    owned.splice(index, 0, segment)
    events += segment.events
    bytes += segment.bytes
  }

  function reserveKey() {
    sequence++
    return `${String(Date.now()).padStart(13, '0')}-${String(sequence % 1e8).padStart(8, '0')}`
  }

  return {
    dir,
    get events() {
      return events
    },
    reserveKey,
    writeSync(lines, key = reserveKey()) {
      const data = `${lines.join('\n')}\n`
      const size = Buffer.byteLength(data)
      if (bytes + size > maxBytes) return { ok: false, reason: `the spool is full (${maxBytes} bytes)` }
      const name = `${key}-${lines.length}.${owner}.jsonl`
      try {
        if (!dirReady) {
          mkdirSync(dir, { recursive: true })
          dirReady = true
        }
        writeFileSync(join(dir, name), data, { flag: 'wx' })
      } catch (error) {
        dirReady = false
        return { ok: false, reason: (error as Error).message }
      }
      const segment = { name, events: lines.length, bytes: size }
      insert(segment)
      return { ok: true, segment }
    },
    async claimLeftovers() {
      let names: string[]
      try {
        names = await readdir(dir)
      } catch {
        return 0
      }
      let claimed = 0
      for (const name of names.sort()) {
        const match = SEGMENT_NAME.exec(name)
        if (!match) continue
        const [, ms, seq, count, pid, instance] = match as unknown as string[]
        const previousOwner = `${pid}-${instance}`
        if (previousOwner === owner || ownerAlive(previousOwner, Number(pid))) continue
        const newName = `${ms}-${seq}-${count}.${owner}.jsonl`
        try {
          await rename(join(dir, name), join(dir, newName))
          const { size } = await stat(join(dir, newName))
          insert({ name: newName, events: Number(count), bytes: size })
          claimed++
        } catch {
          // Another process claimed it first.
        }
      }
      return claimed
    },
    oldest: () => owned[0],
    async read(segment) {
      let text: string
      try {
        text = await readFile(join(dir, segment.name), 'utf8')
      } catch {
        return { lines: [], invalid: segment.events }
      }
      const lines: string[] = []
      let invalid = 0
      for (const line of text.split('\n')) {
        if (line.length === 0) continue
        try {
          JSON.parse(line)
          lines.push(line)
        } catch {
          invalid++
        }
      }
      return { lines, invalid }
    },
    remove(segment) {
      const index = owned.indexOf(segment)
      if (index === -1) return
      owned.splice(index, 1)
      events -= segment.events
      bytes -= segment.bytes
      try {
        unlinkSync(join(dir, segment.name))
      } catch {}
    },
  }
}
