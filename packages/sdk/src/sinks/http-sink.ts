import type { CostEvent } from '../cost-event.js'
import type { Sink } from './sink.js'

export interface HttpSinkOptions {
  /** Server base URL, e.g. `http://localhost:4600`; events go to `${endpoint}/v1/events`. */
  endpoint: string
  apiKey?: string
  /** Send as soon as this many events are waiting. */
  maxBatchSize?: number
  /** Otherwise send this long after the first waiting event. */
  flushIntervalMs?: number
  /** Oldest events are dropped (and counted) beyond this many waiting. */
  maxQueueSize?: number
  maxAttempts?: number
  /** Each attempt is abandoned (and retried) after this long, so a server that hangs cannot hang `flush()`. */
  requestTimeoutMs?: number
  onWarning?: (message: string) => void
}

/** No wait between attempts is longer than this, whatever `Retry-After` asks, so `flush()` ends. */
const MAX_BACKOFF_MS = 30_000

const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500

/**
 * Batches events to the spendlens server in the background. `write` only appends to an array;
 * sending happens on a timer that does not keep the process alive, one batch at a time (so batches
 * arrive in order), with exponential backoff and jitter on network errors, 408, 429 and 5xx.
 *
 * Events can still be lost: when the server stays unreachable past `maxAttempts`, when more than
 * `maxQueueSize` wait, or when the process dies without `flush()` (see docs/sdk.md).
 */
export function httpSink(options: HttpSinkOptions): Sink {
  const url = `${options.endpoint.replace(/\/+$/, '')}/v1/events`
  const maxBatchSize = options.maxBatchSize ?? 200
  const flushIntervalMs = options.flushIntervalMs ?? 1000
  const maxQueueSize = options.maxQueueSize ?? 50_000
  const maxAttempts = options.maxAttempts ?? 5
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000
  const onWarning = options.onWarning ?? ((message: string) => console.warn(`[spendlens] ${message}`))
  // A throwing warning handler must not break the send chain.
  const warn = (message: string) => {
    try {
      onWarning(message)
    } catch {}
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`

  let queue: CostEvent[] = []
  let timer: ReturnType<typeof setTimeout> | undefined
  let sending: Promise<void> = Promise.resolve()
  let inFlight = 0
  let sent = 0
  let dropped = 0
  let failedAttempts = 0

  function schedule() {
    if (timer || queue.length === 0) return
    timer = setTimeout(() => {
      timer = undefined
      sendQueued()
    }, flushIntervalMs)
    timer.unref?.()
  }

  function sendQueued(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatchSize)
      queue = queue.slice(batch.length)
      inFlight += batch.length
      sending = sending
        .then(() => deliver(batch))
        .finally(() => {
          inFlight -= batch.length
        })
    }
    return sending
  }

  async function deliver(batch: CostEvent[]): Promise<void> {
    const body = JSON.stringify(batch)
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let retryAfterMs: number | undefined
      try {
        const signal = AbortSignal.timeout(requestTimeoutMs)
        const response = await fetch(url, { method: 'POST', headers, body, signal })
        await response.arrayBuffer().catch(() => undefined)
        if (response.ok) {
          sent += batch.length
          return
        }
        if (!RETRYABLE(response.status)) {
          dropped += batch.length
          warn(`server refused ${batch.length} events with HTTP ${response.status}; dropped`)
          return
        }
        const retryAfter = Number(response.headers.get('retry-after'))
        if (Number.isFinite(retryAfter) && retryAfter > 0)
          retryAfterMs = Math.min(retryAfter * 1000, MAX_BACKOFF_MS)
      } catch {
        // network error or timeout: retried below
      }
      failedAttempts++
      if (attempt < maxAttempts) {
        const backoff = retryAfterMs ?? Math.min(MAX_BACKOFF_MS, 200 * 2 ** (attempt - 1))
        await new Promise((resolve) => setTimeout(resolve, backoff * (0.5 + Math.random() / 2)))
      }
    }
    dropped += batch.length
    warn(`could not deliver ${batch.length} events to ${url} after ${maxAttempts} attempts; dropped`)
  }

  return {
    write(events) {
      for (const event of events) queue.push(event)
      if (queue.length > maxQueueSize) {
        const excess = queue.length - maxQueueSize
        queue.splice(0, excess)
        dropped += excess
      }
      if (queue.length >= maxBatchSize) sendQueued()
      else schedule()
    },
    flush() {
      if (timer) {
        clearTimeout(timer)
        timer = undefined
      }
      return sendQueued()
    },
    stats: () => ({ sent, pending: queue.length + inFlight, dropped, failedAttempts }),
  }
}
