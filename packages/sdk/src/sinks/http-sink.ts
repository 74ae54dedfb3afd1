import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'
import type { CostEvent } from '../cost-event.js'
import {
  type DiskSpool,
  defaultSpoolDir,
  diskSpool,
  type SegmentRef,
  type SpoolOptions,
} from './disk-spool.js'
import type { Sink } from './sink.js'

const gzip = promisify(gzipCallback)
/**
 * The fastest level: half the CPU of zlib's default (6) on a batch of events, for a body about a
 * fifth larger (about 65 bytes an event rather than 55; bench/README.md, bench:sdk).
 */
const GZIP_OPTIONS = { level: 1 }

export interface HttpSinkOptions {
  /** Server base URL, e.g. `http://localhost:4600`; events go to `${endpoint}/v1/events`. */
  endpoint: string
  apiKey?: string
  /**
   * Send as soon as this many events are waiting; also the most events in one request. Default 1,000:
   * the server stores a request's events in one append, whose fixed cost dominates small batches.
   */
  maxBatchSize?: number
  /**
   * Otherwise send this long after the first waiting event. Default 1000 ms. While the server is
   * away, new events make the sink probe it at this pace.
   */
  flushIntervalMs?: number
  /**
   * Events kept in memory. Beyond it they move to the disk spool; without a spool the oldest are
   * dropped (and counted). Default 10,000.
   */
  maxQueueSize?: number
  /**
   * Attempts per batch before the server is considered away and the batch is spooled. Default 5.
   * While a `flush()` waits, a failed batch gets one more attempt instead, then goes to the spool.
   */
  maxAttempts?: number
  /** Wait before the first retry; it doubles each time, with jitter. Default 200 ms. */
  retryDelayMs?: number
  /**
   * Longest wait between attempts, and between probes while the server is away (new events are a
   * reason to probe sooner). Also caps the wait before `flush()`'s last try. Default 30 s.
   */
  maxRetryDelayMs?: number
  /** Each attempt is abandoned (and retried) after this long, so a server that hangs cannot hang `flush()`. */
  requestTimeoutMs?: number
  /** Request body encoding. Default `gzip` (the spendlens server accepts both). */
  compression?: 'gzip' | 'none'
  /** Where undeliverable or overflowing events wait on disk; `false` keeps them in memory only. */
  spool?: SpoolOptions | false
  /** The `fetch` to send with (tests, proxies). Default: the global one. */
  fetch?: typeof globalThis.fetch
  onWarning?: (message: string) => void
  /**
   * Told the ids of each batch the server acknowledged (2xx), once it answered: the budgets count a
   * call locally until then (docs/budgets.md). An exception in it is swallowed.
   */
  onDelivered?: (eventIds: readonly string[]) => void
}

interface Batch {
  /** How many events. */
  size: number
  /**
   * The events as read from the spool. A batch taken from memory has none: its events are
   * serialized into the request body (and again only if it has to be spooled), so a batch in flight
   * holds its events and the compressed body, not a third copy as text.
   */
  lines?: string[]
  /** The events, for a batch taken from memory: without a spool, a failed batch goes back in line. */
  events?: CostEvent[]
  /** The spool segment holding this batch: read from it, or written at exit while in flight. */
  segment?: SegmentRef
  /** Sort key taken when the batch left memory, so spooling it later keeps it ahead of newer events. */
  key?: string
}

type Outcome =
  | { kind: 'sent'; rejected: number; firstError?: string }
  | { kind: 'refused'; status: number }
  | { kind: 'unavailable'; reason: string; retryAfterMs?: number }

/**
 * Statuses worth trying again. A refused key (401, 403) is one: the events are kept, spooled like an
 * outage's, until the key is fixed or the server takes it again, rather than lost to a typo.
 */
const KEY_REFUSED = (status: number) => status === 401 || status === 403
const RETRYABLE = (status: number) => KEY_REFUSED(status) || status === 408 || status === 429 || status >= 500
/** How often leftovers of dead processes are looked for in the spool. */
const RESCAN_MS = 60_000
/** A `Retry-After` longer than this is read as "try again later", not honoured to the letter. */
const MAX_RETRY_AFTER_MS = 10 * 60_000
/**
 * How long after a failed attempt `flush()` makes its last try: long enough for a server that is
 * restarting or a dropped connection to come back, short enough that an exiting process (which this
 * timer keeps alive) ends promptly.
 */
const LAST_CHANCE_DELAY_MS = 1000
/** The longest `Retry-After` that `flush()` waits out for its last try; beyond it, the spool. */
const LAST_CHANCE_MAX_WAIT_MS = 5000

/**
 * Batches events to the spendlens server in the background. `write` only appends to an array;
 * sending happens on a timer that does not keep the process alive, one batch at a time (so batches
 * arrive in order), gzipped, with exponential backoff and jitter on network errors, 408, 429 and
 * 5xx, honouring `Retry-After`.
 *
 * When the server stays away past `maxAttempts`, or more than `maxQueueSize` events wait, events
 * move to a disk spool (see {@link SpoolOptions}) and are replayed, oldest first, when the server
 * answers again, by this process or the next. While it is away the sink probes it on a growing
 * backoff, and sooner when new events arrive (at the flush interval, never before a `Retry-After`),
 * so a long-running process replays its spool soon after the server is back; every probe that
 * succeeds goes straight on with the rest of the spool.
 *
 * `flush()` does not wait through the backoff: a batch that fails while it waits, or a server known
 * to be away when it is called, gets one more try after a short pause that keeps the process alive
 * (so a process that is exiting makes it too), then the events settle in the spool and `flush()`
 * resolves. At exit and on SIGTERM/SIGINT the tracker calls `flushSync`, which spools what is still
 * in memory. Events are dropped (counted in `stats().dropped`, with a warning) only when the disk
 * refuses them too, or the server refuses them as invalid. See docs/sdk.md.
 */
export function httpSink(options: HttpSinkOptions): Sink {
  const url = `${options.endpoint.replace(/\/+$/, '')}/v1/events`
  const maxBatchSize = options.maxBatchSize ?? 1000
  const flushIntervalMs = options.flushIntervalMs ?? 1000
  const maxQueueSize = options.maxQueueSize ?? 10_000
  const maxAttempts = options.maxAttempts ?? 5
  const retryDelayMs = options.retryDelayMs ?? 200
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000
  const lastChanceDelayMs = Math.min(LAST_CHANCE_DELAY_MS, maxRetryDelayMs)
  const lastChanceMaxWaitMs = Math.min(LAST_CHANCE_MAX_WAIT_MS, maxRetryDelayMs)
  const compress = (options.compression ?? 'gzip') === 'gzip'
  const onWarning = options.onWarning ?? ((message: string) => console.warn(`[spendlens] ${message}`))
  // A throwing warning handler must not break the send chain.
  /** Said once per sink: a wrong key is refused on every try. */
  let keyWarned = false
  const warn = (message: string) => {
    try {
      onWarning(message)
    } catch {}
  }
  const spool: DiskSpool | undefined =
    options.spool === false
      ? undefined
      : diskSpool({
          dir: options.spool?.dir ?? defaultSpoolDir(options.endpoint),
          maxBytes: options.spool?.maxBytes,
        })
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (compress) headers['content-encoding'] = 'gzip'
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`

  let memory: CostEvent[] = []
  let current: Batch | undefined
  let running: Promise<void> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let timerAt = 0
  /** While the server is away: no request before this time (ms since epoch). */
  let retryAt = 0
  let outageProbes = 0
  let lastFailureAt = Number.NEGATIVE_INFINITY
  /** The server's `Retry-After`: no request at all before this time. */
  let quietUntil = 0
  /** Events arrived since the last attempt: while the server is away, a reason to probe it. */
  let writtenSinceAttempt = false
  /** A `flush()` waits on the pump: no backoff, one more try for a failed batch, then the spool. */
  let flushing = false
  /** That one more try is still to come, for the flush now waiting. */
  let lastChanceAvailable = false
  /**
   * A flush's last try failed and no event came since. The next flush does not try again: it would
   * only keep an exiting process alive, once per `beforeExit`, for a server that is still away.
   */
  let lastChanceSpent = false
  /** Ends the backoff sleep now in progress early (a flush does not wait through it). */
  let wake: (() => void) | undefined
  let scannedAt = Number.NEGATIVE_INFINITY
  let sent = 0
  let dropped = 0
  let failedAttempts = 0

  const backoff = (step: number) =>
    Math.min(maxRetryDelayMs, retryDelayMs * 2 ** step) * (0.5 + Math.random() / 2)
  /** Retry timers do not keep the process alive, except `flush()`'s last try (`keepAlive`). */
  const sleep = (ms: number, keepAlive = false) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timeout)
        if (wake === done) wake = undefined
        resolve()
      }
      const timeout = setTimeout(done, ms)
      if (keepAlive) return
      timeout.unref?.()
      wake = done
    })

  /** Runs the pump after `delayMs`, or sooner if it is already due sooner. */
  function schedule(delayMs: number) {
    const at = Date.now() + Math.max(0, delayMs)
    if (timer) {
      if (timerAt <= at) return
      clearTimeout(timer)
    }
    timerAt = at
    timer = setTimeout(
      () => {
        timer = undefined
        void start()
      },
      Math.max(0, delayMs),
    )
    timer.unref?.()
  }

  function start(): Promise<void> {
    running ??= pump().finally(() => {
      running = undefined
      flushing = false
      if (memory.length > 0 || (spool?.events ?? 0) > 0)
        schedule(Date.now() < retryAt ? retryAt - Date.now() : flushIntervalMs)
    })
    return running
  }

  function drop(count: number, why: string) {
    if (count === 0) return
    dropped += count
    warn(`${why}; dropped ${count} events`)
  }

  /** Keeps memory within bounds without a spool (or with a spool that refuses writes). */
  function trimMemory() {
    if (memory.length <= maxQueueSize) return
    const excess = memory.length - maxQueueSize
    memory.splice(0, excess)
    drop(excess, `more than ${maxQueueSize} events waited for ${url}`)
  }

  /** Moves every event in memory to the spool, in order. What the disk refuses stays in memory. */
  function spill() {
    if (!spool) return trimMemory()
    while (memory.length > 0) {
      const events = memory.slice(0, maxBatchSize)
      const written = spool.writeSync(events.map((event) => JSON.stringify(event)))
      if (!written.ok) {
        warn(`could not spool ${events.length} events to ${spool.dir}: ${written.reason}`)
        return trimMemory()
      }
      memory = memory.slice(events.length)
    }
  }

  async function nextBatch(): Promise<Batch | undefined> {
    for (let segment = spool?.oldest(); spool && segment; segment = spool.oldest()) {
      const { lines, invalid } = await spool.read(segment)
      if (invalid > 0) drop(invalid, `${invalid} lines of spool segment ${segment.name} were unreadable`)
      if (lines.length > 0) return { lines, size: lines.length, segment }
      spool.remove(segment)
    }
    if (memory.length === 0) return undefined
    const events = memory.slice(0, maxBatchSize)
    memory = memory.slice(events.length)
    return { events, size: events.length, key: spool?.reserveKey() }
  }

  async function pump(): Promise<void> {
    if (spool && Date.now() - scannedAt > RESCAN_MS) {
      scannedAt = Date.now()
      await spool.claimLeftovers().catch(() => 0)
    }
    for (;;) {
      if (Date.now() < retryAt && !(await tryWhileAway())) {
        spill()
        return
      }
      const batch = await nextBatch()
      if (!batch) return
      current = batch
      const outcome = await deliver(batch, retryAt > 0 ? 1 : maxAttempts)
      current = undefined
      if (outcome.kind === 'unavailable') {
        if (retryAt === 0)
          warn(
            `could not deliver events to ${url} (${outcome.reason}); ${spool ? `spooling them to ${spool.dir}` : 'keeping them in memory'} until it answers`,
          )
        retryAt = Date.now() + (outcome.retryAfterMs ?? backoff(maxAttempts + outageProbes++))
        if (!batch.segment) {
          const written = spool?.writeSync(linesOf(batch), batch.key)
          if (written?.ok) batch.segment = written.segment
          else {
            if (spool && written)
              warn(`could not spool ${batch.size} events to ${spool.dir}: ${written.reason}`)
            // Back to the front of the line, in memory.
            memory = [...(batch.events ?? []), ...memory]
            trimMemory()
            return
          }
        }
        spill()
        return
      }
      // The server answers: the loop goes on with the rest of the spool, oldest first, at once.
      retryAt = 0
      outageProbes = 0
      lastChanceSpent = false
      lastChanceAvailable = flushing
      if (outcome.kind === 'sent') {
        if (options.onDelivered) {
          try {
            options.onDelivered(
              batch.events ? batch.events.map((event) => event.event_id) : linesOf(batch).map(idOfLine),
            )
          } catch {}
        }
        sent += batch.size - outcome.rejected
        if (outcome.rejected > 0)
          drop(
            outcome.rejected,
            `the server rejected ${outcome.rejected} events (${outcome.firstError ?? 'invalid'})`,
          )
      } else {
        drop(batch.size, `the server refused ${batch.size} events with HTTP ${outcome.status}`)
      }
      if (batch.segment) spool?.remove(batch.segment)
    }
  }

  /**
   * While the server is away, whether to try it now rather than at the backoff tick: a waiting
   * flush gets its last try; otherwise new events are the reason, unless the server asked for quiet.
   * The timer runs the pump at most once per flush interval while away, so that is the probes' pace.
   */
  async function tryWhileAway(): Promise<boolean> {
    if (memory.length === 0 && (spool?.events ?? 0) === 0) return false
    if (flushing) return lastChance()
    return writtenSinceAttempt && Date.now() >= quietUntil
  }

  /**
   * The one more try a waiting flush gets before it settles for the spool: a short pause after the
   * failed attempt (or the server's `Retry-After`, within bounds), on a timer that keeps the process
   * alive, so a process that is exiting makes the try too.
   */
  async function lastChance(): Promise<boolean> {
    if (!lastChanceAvailable) return false
    const now = Date.now()
    const wait = Math.max(0, lastFailureAt + lastChanceDelayMs - now, quietUntil - now)
    if (wait > lastChanceMaxWaitMs) return false
    lastChanceAvailable = false
    lastChanceSpent = true
    await sleep(wait, true)
    return true
  }

  /** After failed attempt `attempt`: waits for the next one, or answers false to spool the batch. */
  async function pause(attempt: number, attempts: number, retryAfterMs: number | undefined) {
    if (!flushing) {
      // A long Retry-After ends the attempts: the batch waits in the spool, not in this loop.
      if (attempt >= attempts || (retryAfterMs ?? 0) > maxRetryDelayMs) return false
      await sleep(retryAfterMs ?? backoff(attempt - 1))
      if (!flushing) return true
    }
    return lastChance()
  }

  async function deliver(batch: Batch, attempts: number): Promise<Outcome> {
    // A batch from memory is serialized in one pass; a spooled one is already JSON, line by line.
    const json = batch.lines ? `[${batch.lines.join(',')}]` : JSON.stringify(batch.events ?? [])
    const body = compress ? new Uint8Array(await gzip(json, GZIP_OPTIONS)) : json
    let reason = 'no attempt'
    let retryAfterMs: number | undefined
    for (let attempt = 1; ; attempt++) {
      retryAfterMs = undefined
      writtenSinceAttempt = false
      try {
        const signal = AbortSignal.timeout(requestTimeoutMs)
        const response = await (options.fetch ?? globalThis.fetch)(url, {
          method: 'POST',
          headers,
          body,
          signal,
        })
        const text = await response.text().catch(() => '')
        if (response.ok) return { kind: 'sent', ...rejections(text) }
        if (!RETRYABLE(response.status)) return { kind: 'refused', status: response.status }
        reason = `HTTP ${response.status}`
        if (KEY_REFUSED(response.status) && !keyWarned) {
          keyWarned = true
          warn(
            `the server refused the API key (HTTP ${response.status}${options.apiKey ? '' : ', none was set'}): set SPENDLENS_API_KEY or init({ apiKey }) to an ingest key; events are kept until it is accepted`,
          )
        }
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'))
      } catch (error) {
        reason = describeError(error)
      }
      failedAttempts++
      lastFailureAt = Date.now()
      quietUntil = lastFailureAt + (retryAfterMs ?? 0)
      if (!(await pause(attempt, attempts, retryAfterMs))) break
    }
    return { kind: 'unavailable', reason, retryAfterMs }
  }

  // A spool left by a previous process is replayed soon after start-up, not at the first event.
  if (spool) schedule(flushIntervalMs)

  return {
    write(events) {
      for (const event of events) memory.push(event)
      writtenSinceAttempt = true
      lastChanceSpent = false
      if (memory.length > maxQueueSize) spill()
      if (running) return
      // While the server is away the timer still fires every interval: the pump then probes the
      // server, or moves the new events to the spool rather than leaving them in memory.
      if (Date.now() < retryAt) schedule(Math.min(flushIntervalMs, retryAt - Date.now()))
      else if (memory.length >= maxBatchSize) void start()
      else schedule(flushIntervalMs)
    },
    flush() {
      if (timer) {
        clearTimeout(timer)
        timer = undefined
      }
      if (!flushing) {
        flushing = true
        lastChanceAvailable = !lastChanceSpent
      }
      // A pump sleeping through a backoff (unref'd: an exiting process would not wait) goes on now.
      wake?.()
      return start()
    },
    flushSync() {
      spill()
      if (spool && current && !current.segment) {
        const written = spool.writeSync(linesOf(current), current.key)
        if (written.ok) current.segment = written.segment
      }
    },
    stats: () => ({
      sent,
      pending: memory.length + (current && !current.segment ? current.size : 0) + (spool?.events ?? 0),
      dropped,
      failedAttempts,
      spooled: spool?.events ?? 0,
    }),
  }
}

/** The server answers `{ accepted, duplicates, rejected, results }`; anything else counts as all accepted. */
function rejections(text: string): { rejected: number; firstError?: string } {
  try {
    const result = JSON.parse(text) as {
      rejected?: unknown
      results?: { status?: string; errors?: string[] }[]
    }
    const rejected = typeof result.rejected === 'number' ? result.rejected : 0
    const first = result.results?.find((item) => item.status === 'rejected')?.errors?.join('; ')
    return first ? { rejected, firstError: first } : { rejected }
  } catch {
    return { rejected: 0 }
  }
}

/** A batch's events, one JSON text each: as read from the spool, or serialized now. */
function linesOf(batch: Batch): string[] {
  return batch.lines ?? (batch.events ?? []).map((event) => JSON.stringify(event))
}

/** The event id of a spooled line (only read for `onDelivered`). */
function idOfLine(line: string): string {
  try {
    return String((JSON.parse(line) as { event_id?: unknown }).event_id)
  } catch {
    return ''
  }
}

/** `Retry-After` in seconds or as an HTTP date. */
function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined
  const seconds = Number(value)
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now()
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string } }).cause
    if (error.name === 'TimeoutError') return 'timed out'
    return cause?.code ?? error.message
  }
  return String(error)
}
