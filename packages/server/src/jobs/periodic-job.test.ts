import { describe, expect, it } from 'vitest'
import { startPeriodicJob } from './periodic-job.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await sleep(5)
  }
}

describe('startPeriodicJob', () => {
  it('runs at once without a delay, and again on its interval', async () => {
    let runs = 0
    const job = startPeriodicJob(
      async () => {
        runs++
      },
      { intervalMs: 20 },
    )
    expect(runs).toBe(1)
    await until(() => runs >= 3)
    await job.stop()
  })

  it('waits firstRunDelayMs before its first run; stop() before then means no run at all', async () => {
    let runs = 0
    const work = async () => {
      runs++
    }
    const stopped = startPeriodicJob(work, { intervalMs: 10, firstRunDelayMs: 100 })
    await sleep(20)
    await stopped.stop()
    await sleep(150)
    expect(runs).toBe(0)

    const started = Date.now()
    const job = startPeriodicJob(work, { intervalMs: 60_000, firstRunDelayMs: 100 })
    expect(runs).toBe(0)
    await until(() => runs === 1)
    expect(Date.now() - started).toBeGreaterThanOrEqual(95)
    await job.stop()
  })

  it('runs one at a time: run() during a run joins it; a failure is reported and the next run goes on', async () => {
    let runs = 0
    let release: () => void = () => undefined
    const errors: unknown[] = []
    const job = startPeriodicJob(
      async () => {
        runs++
        if (runs === 1) await new Promise<void>((resolve) => (release = resolve))
        if (runs === 2) throw new Error('boom')
      },
      { intervalMs: 60_000, onError: (error) => errors.push(error) },
    )
    const joined = job.run()
    expect(runs).toBe(1)
    release()
    await joined
    await expect(job.run()).rejects.toThrow('boom')
    await job.run()
    expect(runs).toBe(3)
    await job.stop()
    expect(errors).toEqual([])
  })
})
