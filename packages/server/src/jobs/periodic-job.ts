/** A background job of `spendlens serve`: run now on demand, and on a timer. */
export interface PeriodicJob {
  /** Runs the job now, or joins the run in progress (one at a time). */
  run(): Promise<void>
  /** Stops the timer and waits for the run in progress. */
  stop(): Promise<void>
}

/** When a job runs, as each job's options take it (each job has its own default interval). */
export interface JobTiming {
  intervalMs?: number
  /**
   * Before the first run. 0 (the default): at once. `spendlens serve` waits a few seconds so
   * that its first answers do not queue behind the jobs' queries (docs/development.md#start-time).
   */
  firstRunDelayMs?: number
  /** A failing run is reported here; the next one tries again. */
  onError?: (error: unknown) => void
}

/**
 * The shape every timed job shares: one run at a time (a tick while one runs joins it), a
 * failing run reported and not fatal, on unref'd timers so that the job never holds the process.
 */
export function startPeriodicJob(
  work: () => Promise<void>,
  options: JobTiming & { intervalMs: number },
): PeriodicJob {
  let running: Promise<void> | undefined
  const run = () => {
    running ??= work().finally(() => {
      running = undefined
    })
    return running
  }
  const tick = () => {
    run().catch((error: unknown) => options.onError?.(error))
  }
  let timer: NodeJS.Timeout | undefined
  const startTimer = () => {
    timer = setInterval(tick, options.intervalMs)
    timer.unref()
  }
  const delay = options.firstRunDelayMs ?? 0
  let first: NodeJS.Timeout | undefined
  if (delay > 0) {
    first = setTimeout(() => {
      first = undefined
      tick()
      startTimer()
    }, delay)
    first.unref()
  } else {
    tick()
    startTimer()
  }
  return {
    run,
    async stop() {
      clearTimeout(first)
      clearInterval(timer)
      await running?.catch(() => undefined)
    },
  }
}
