import type { Store } from '../store/store.js'

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

export interface RetentionOptions {
  store: Store
  /** Events that started more than this many days ago are deleted. */
  days: number
  /** Between runs. Default one hour. */
  intervalMs?: number
  /** Told after each run that deleted something, and after the first run whatever it deleted. */
  onDeleted?: (deleted: number, cutoff: Date) => void
  /** Told when a periodic run fails; the next run tries again. */
  onError?: (error: unknown) => void
}

export interface RetentionJob {
  readonly days: number
  /** Deletes what is older than `days` now; answers how many events. Runs one at a time. */
  run(): Promise<number>
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>
}

/**
 * The maximum age of stored events (`spendlens serve --retention-days N`). Runs once before it
 * returns, then every interval on an unref'd timer, so it never keeps the process alive.
 */
export async function startRetentionJob(options: RetentionOptions): Promise<RetentionJob> {
  if (!Number.isFinite(options.days) || options.days <= 0) {
    throw new Error(`retention days must be a positive number, got ${options.days}`)
  }
  let running: Promise<number> | undefined
  let runs = 0
  const run = () => {
    running ??= (async () => {
      try {
        const cutoff = new Date(Date.now() - options.days * DAY_MS)
        const deleted = await options.store.deleteBefore(cutoff)
        if (deleted > 0 || runs === 0) options.onDeleted?.(deleted, cutoff)
        return deleted
      } finally {
        runs++
        running = undefined
      }
    })()
    return running
  }
  await run()
  const timer = setInterval(() => {
    run().catch((error: unknown) => options.onError?.(error))
  }, options.intervalMs ?? HOUR_MS)
  timer.unref()
  return {
    days: options.days,
    run,
    async stop() {
      clearInterval(timer)
      await running?.catch(() => undefined)
    },
  }
}
