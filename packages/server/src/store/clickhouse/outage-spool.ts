import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { RollupRow } from '../../query/rollup-tables.js'
import type { AppendResult, AppendStatus } from '../store.js'
import { StoreUnavailableError } from '../store-unavailable.js'
import type { EventRows } from './encode-rows.js'
import { isUnreachable } from './unreachable.js'

export interface OutageSpoolOptions {
  /** The folder of waiting batches, created if missing. One collector's own: it is locked while open. */
  dir: string
  /** At most this many bytes of batches wait (default 512 MiB); past it appends fail with StoreUnavailableError. */
  maxBytes?: number
  /** Between two attempts to store the oldest batch while ClickHouse stays unreachable (default 1 s). */
  retryMs?: number
}

export const DEFAULT_SPOOL_MAX_BYTES = 512 * 1024 * 1024
const DEFAULT_RETRY_MS = 1000

/** Attempts at a batch that ClickHouse refuses (not an outage) before it is set aside as `<name>.refused`. */
const MAX_REFUSALS = 3

const LOCK_FILE = 'spool.lock'
const BATCH_NAME = /^\d{12}\.json$/

interface Waiting {
  name: string
  bytes: number
}

/**
 * Batches that wait on disk while ClickHouse is unreachable, so that a collector keeps accepting
 * events through an outage (docs/deploy-clickhouse.md, "When ClickHouse is unreachable"). Each
 * batch is one file, written and synced before its events are acknowledged as `buffered`, so a
 * collector that restarts finds them and stores them then. Batches are stored in the order they
 * came, oldest first, by the same append as live ones: each event_id is stored once whatever it
 * meets there (a batch that reached ClickHouse just before the failure counts as duplicates).
 * While any wait, new batches queue behind them. Past `maxBytes` the spool refuses: a 503.
 */
export class OutageSpool {
  private readonly waiting: Waiting[]
  private bytes: number
  private nextSequence: number
  private draining: Promise<void> | undefined
  private closed = false
  private wake: (() => void) | undefined
  /** Why ClickHouse last failed to take a batch: the cause of a refusal when the spool is full. */
  private lastOutage: unknown
  private readonly maxBytes: number
  private readonly retryMs: number

  private constructor(
    private readonly dir: string,
    waiting: Waiting[],
    options: OutageSpoolOptions,
    /** Stores a batch in ClickHouse (the store's append, one at a time with the live ones). */
    private readonly store: (batch: EventRows) => Promise<unknown>,
  ) {
    this.waiting = waiting
    this.bytes = waiting.reduce((sum, file) => sum + file.bytes, 0)
    const last = waiting.at(-1)
    this.nextSequence = last ? Number.parseInt(last.name, 10) + 1 : 1
    this.maxBytes = options.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES
    this.retryMs = options.retryMs ?? DEFAULT_RETRY_MS
  }

  /** Opens (and locks) the folder; batches left there by an earlier run start draining at once. */
  static async open(
    options: OutageSpoolOptions,
    store: (batch: EventRows) => Promise<unknown>,
  ): Promise<OutageSpool> {
    const { dir } = options
    await mkdir(dir, { recursive: true })
    await lock(dir)
    const waiting: Waiting[] = []
    for (const name of (await readdir(dir)).sort()) {
      // A batch cut short by a crash was never acknowledged.
      if (name.endsWith('.tmp')) await rm(join(dir, name), { force: true })
      else if (BATCH_NAME.test(name)) waiting.push({ name, bytes: (await stat(join(dir, name))).size })
    }
    const spool = new OutageSpool(dir, waiting, options, store)
    spool.drain()
    return spool
  }

  /** Whether batches are waiting: a new batch goes behind them, so that ClickHouse gets them in order. */
  get pending(): boolean {
    return this.waiting.length > 0
  }

  /** Bytes of the batches waiting. */
  get size(): number {
    return this.bytes
  }

  /**
   * Keeps `batch` on disk until ClickHouse takes it, and answers `buffered` for each event it
   * will store (the latest ts of each event_id in the batch; the other copies are duplicates).
   * `outage` is why ClickHouse could not take it, for the refusal when the spool is full.
   */
  async add(batch: EventRows, outage?: unknown): Promise<AppendResult> {
    const text = JSON.stringify(batch.records)
    const bytes = Buffer.byteLength(text)
    if (this.bytes + bytes > this.maxBytes)
      throw new StoreUnavailableError(
        `ClickHouse is unreachable and the outage buffer ${this.dir} is full (${this.bytes} of ${this.maxBytes} bytes waiting)`,
        { cause: outage ?? this.lastOutage },
      )
    const name = `${String(this.nextSequence++).padStart(12, '0')}.json`
    const path = join(this.dir, name)
    try {
      await writeFile(`${path}.tmp`, text, { flush: true })
      await rename(`${path}.tmp`, path)
      await syncFolder(this.dir)
    } catch (error) {
      await rm(`${path}.tmp`, { force: true })
      throw new StoreUnavailableError(
        `ClickHouse is unreachable and the outage buffer ${this.dir} cannot be written`,
        {
          cause: error,
        },
      )
    }
    this.waiting.push({ name, bytes })
    this.bytes += bytes
    this.drain()
    return { statuses: bufferedStatuses(batch.records) }
  }

  /** Stops draining (the batches left wait for the next start) and unlocks the folder. */
  async close(): Promise<void> {
    this.closed = true
    this.wake?.()
    await this.draining
    await rm(join(this.dir, LOCK_FILE), { force: true })
  }

  private drain(): void {
    if (this.draining || this.closed || this.waiting.length === 0) return
    this.draining = this.drainAll().finally(() => {
      this.draining = undefined
    })
  }

  private async drainAll(): Promise<void> {
    let refusals = 0
    while (!this.closed) {
      const oldest = this.waiting[0]
      if (!oldest) return
      const path = join(this.dir, oldest.name)
      try {
        const records = JSON.parse(await readFile(path, 'utf8')) as RollupRow[]
        await this.store({
          format: 'rows',
          rows: records.length,
          eventIds: records.map((record) => record.event_id),
          records,
        })
        await rm(path)
      } catch (error) {
        this.lastOutage = error
        if (isUnreachable(error) || ++refusals < MAX_REFUSALS) {
          await this.pause()
          continue
        }
        // ClickHouse refuses this batch itself: set aside for an operator, not in the way of the rest.
        await rename(path, `${path}.refused`).catch(() => undefined)
      }
      refusals = 0
      this.waiting.shift()
      this.bytes -= oldest.bytes
    }
  }

  private pause(): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.retryMs)
      timer.unref()
      this.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }
}

/** `buffered` for the latest ts of each event_id (the first of equals), `duplicate` for its other copies. */
function bufferedStatuses(records: readonly RollupRow[]): AppendStatus[] {
  const statuses: AppendStatus[] = records.map(() => 'duplicate')
  const latest = new Map<string, number>()
  records.forEach((record, index) => {
    const current = latest.get(record.event_id)
    if (current === undefined || record.ts > (records[current] as RollupRow).ts)
      latest.set(record.event_id, index)
  })
  for (const index of latest.values()) statuses[index] = 'buffered'
  return statuses
}

/** Makes a rename in `dir` durable. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Takes the folder for this process, unless a live process holds it. */
async function lock(dir: string): Promise<void> {
  const path = join(dir, LOCK_FILE)
  const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10)
  if (Number.isInteger(holder) && isAlive(holder))
    throw new Error(
      `the outage buffer ${dir} is in use by process ${holder}; give each collector its own (spool_dir in the store URL)`,
    )
  await writeFile(path, String(process.pid))
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
