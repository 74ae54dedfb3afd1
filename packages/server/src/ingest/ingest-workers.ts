import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { type ResourceLimits, Worker } from 'node:worker_threads'
import { otlpItems } from '../otlp/otlp-items.js'
import { type BatchFormatName, batchFormat, type EncodedBatch } from '../store/batch-format.js'
import { batchItems, inflate, mayHoldUnsafeText, type RawBody } from './decode-body.js'
import type { EventWindow } from './event-window.js'
import { IngestError, type IngestErrorCode } from './ingest-error.js'
import { type EventResult, validateItems } from './ingest-events.js'
import { type UnpricedModel, unpricedModelsOf } from './unpriced-models.js'

/**
 * A body to decode, as a worker receives it: with the format the store wants its events in, and
 * the window its events' `ts` must lie in (fixed by the server's thread when the body arrived).
 */
export interface DecodeRequest extends RawBody {
  id: number
  format: BatchFormatName
  window: EventWindow
  /** The project the body's events belong to (the credential's: schema/projects.ts). */
  project: string
}

/** A decoded body: its valid events encoded for the store, where they were in the body, the rejected items. */
export interface DecodedBody {
  count: number
  validIndexes: ArrayLike<number>
  rejected: EventResult[]
  batch: EncodedBatch
  /** The body's models that have no price (the server warns once per model: unpriced-models.ts). */
  unpriced: UnpricedModel[]
}

export type DecodeAnswer =
  | ({ id: number; ok: true } & DecodedBody)
  | { id: number; ok: false; code: IngestErrorCode; message: string }

/**
 * The ingest chain after inflating, the same on a worker thread and on this one: the body's items,
 * each validated (`ts` within `window`) and priced (validateItems), the valid ones encoded in the
 * store's format.
 */
export function decodeInflated(
  decoded: Uint8Array,
  body: RawBody,
  format: BatchFormatName,
  window: EventWindow,
  project: string,
): DecodedBody {
  // An OTLP body's events are made from its GenAI spans (otlp/); their strings are checked one by one.
  const validated = body.otlp
    ? validateItems(otlpItems(decoded, body.otlp), window)
    : validateItems(batchItems(decoded, body.ndjson), window, !mayHoldUnsafeText(decoded))
  return {
    count: validated.count,
    validIndexes: validated.validIndexes,
    rejected: validated.rejected,
    unpriced: unpricedModelsOf(validated.valid),
    // The credential's project (schema/projects.ts): no field of an event can name another.
    batch: batchFormat(format).encode(validated.valid, project),
  }
}

/** Turns ingest bodies into encoded events, on worker threads when there are any. */
export interface BodyDecoder {
  /** `window`: where the body's events' `ts` must lie (eventWindow). */
  decode(body: RawBody, window: EventWindow, project: string): Promise<DecodedBody>
  close(): Promise<void>
}

/**
 * Worker threads by default: every core but one (the server's JavaScript thread), at most four.
 * On a two-core machine that is one, sharing its core with DuckDB's thread.
 */
export const DEFAULT_INGEST_WORKERS = Math.max(1, Math.min(4, availableParallelism() - 1))

/** The built worker script; from the TypeScript sources (tests), the one in dist. */
function workerScript(): URL | undefined {
  for (const candidate of ['./ingest-worker.js', '../../dist/ingest/ingest-worker.js']) {
    const url = new URL(candidate, import.meta.url)
    if (existsSync(url)) return url
  }
  return undefined
}

interface Pending {
  resolve(body: DecodedBody): void
  reject(error: unknown): void
}

/**
 * The ingest path's CPU work before the store: inflating, JSON.parse, validation, pricing and
 * encoding in the store's format (for DuckDB, columns), about three quarters of the JavaScript time an event costs. On worker
 * threads it runs beside the event loop, which is left with HTTP and the store's own steps, and
 * the typed arrays of the result are handed over, not copied; only the event ids and the other
 * unique strings are copied back. A worker that dies fails the bodies it held (a 500) and is
 * replaced.
 */
export function createBodyDecoder(
  format: BatchFormatName,
  workers = DEFAULT_INGEST_WORKERS,
  /** Memory limits of each worker (none by default); a worker past them dies and is replaced. */
  resourceLimits?: ResourceLimits,
): BodyDecoder {
  const script = workers > 0 ? workerScript() : undefined
  // On this thread: the same steps, for `workers: 0` or when no worker script is built.
  if (!script)
    return {
      decode: async (body, window, project) =>
        decodeInflated(await inflate(body), body, format, window, project),
      close: async () => undefined,
    }

  let nextId = 0
  let closing = false
  const pool: { worker: Worker; pending: Map<number, Pending> }[] = []

  function start(slot: number) {
    const worker = new Worker(script as URL, { resourceLimits })
    const entry = { worker, pending: new Map<number, Pending>() }
    pool[slot] = entry
    // An idle worker does not keep the process alive; one decoding a body does (see decode).
    worker.unref()
    worker.on('message', (answer: DecodeAnswer) => {
      const waiting = entry.pending.get(answer.id)
      if (!waiting) return
      entry.pending.delete(answer.id)
      if (entry.pending.size === 0) worker.unref()
      if (answer.ok) waiting.resolve(answer)
      else waiting.reject(new IngestError(answer.code, answer.message))
    })
    const fail = (error: unknown) => {
      for (const waiting of entry.pending.values()) waiting.reject(error)
      entry.pending.clear()
      if (!closing && pool[slot] === entry) start(slot)
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`an ingest worker stopped (exit code ${code})`)))
  }
  for (let slot = 0; slot < workers; slot++) start(slot)

  return {
    decode(body, window, project) {
      // The least busy worker.
      const entry = pool.reduce((best, candidate) =>
        candidate.pending.size < best.pending.size ? candidate : best,
      )
      const id = nextId++
      // A body that owns its whole buffer is handed over; a slice of a shared one is copied.
      const { bytes } = body
      const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      const request: DecodeRequest = {
        id,
        bytes,
        gzip: body.gzip,
        ndjson: body.ndjson,
        otlp: body.otlp,
        format,
        window,
        project,
      }
      return new Promise<DecodedBody>((resolve, reject) => {
        entry.pending.set(id, { resolve, reject })
        if (entry.pending.size === 1) entry.worker.ref()
        entry.worker.postMessage(request, owned ? [bytes.buffer as ArrayBuffer] : [])
      })
    },
    async close() {
      closing = true
      await Promise.all(pool.map((entry) => entry.worker.terminate()))
    },
  }
}
