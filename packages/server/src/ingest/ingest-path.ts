import { DEFAULT_PROJECT } from '../schema/projects.js'
import { batchFormat, type EncodedBatch } from '../store/batch-format.js'
import type { AppendResult, Store } from '../store/store.js'
import { StoreUnavailableError } from '../store/store-unavailable.js'
import type { RawBody } from './decode-body.js'
import { DEFAULT_MAX_EVENT_AGE_DAYS, eventWindow } from './event-window.js'
import { createIngestBuffer, type FlushReport, type IngestBuffer } from './ingest-buffer.js'
import { IngestError } from './ingest-error.js'
import { type IngestResult, ingestResult } from './ingest-events.js'
import { createBodyDecoder } from './ingest-workers.js'
import type { UnpricedModel } from './unpriced-models.js'

/** What POST /v1/events does with a body: decode, validate, price, encode, store, answer per event. */
export interface IngestPath {
  /** Stores the body's valid events in `project` (default: the default project). */
  ingest(body: RawBody, project?: string): Promise<IngestResult>
  /** Waits for the last flush, stops the workers. */
  close(): Promise<void>
}

export interface IngestPathOptions {
  /** Worker threads decoding bodies (ingest-workers.ts; 0 decodes on this thread). */
  workers?: number
  /** Told what every flush into the store did (the server logs and counts it). */
  onFlush?: (report: FlushReport) => void
  /**
   * Days before the server's clock an event's `ts` may lie (default 30; Infinity takes any age);
   * past it the event is rejected (event-window.ts).
   */
  maxEventAgeDays?: number
  /** Told the models of each stored body that have no price (the server warns once per model). */
  onUnpriced?: (project: string, models: readonly UnpricedModel[]) => void
}

/**
 * The ingest path for `store`, the same for every engine: bodies are decoded into the store's batch
 * format (on worker threads when there are any), and concurrent requests are joined into one
 * append (IngestBuffer).
 */
export function ingestPath(store: Store, options: IngestPathOptions = {}): IngestPath {
  const maxAgeDays = options.maxEventAgeDays ?? DEFAULT_MAX_EVENT_AGE_DAYS
  // Fails fast on a bad setting, before the first request.
  eventWindow(maxAgeDays)
  const format = batchFormat(store.batchFormat)
  const decoder = createBodyDecoder(store.batchFormat, options.workers)
  const buffer = createIngestBuffer<EncodedBatch>(
    { append: (batch) => store.appendBatch(batch) },
    { kind: { size: (batch) => batch.rows, merge: format.merge }, onFlush: options.onFlush },
  )
  return {
    async ingest(body, project = DEFAULT_PROJECT) {
      // The clock is read once per body: every event of it is judged against the same instant.
      const decoded = await decoder.decode(body, eventWindow(maxAgeDays), project)
      const { batch } = decoded
      const statuses = batch.rows > 0 ? (await appendOrRefuse(buffer, batch)).statuses : []
      if (decoded.unpriced.length > 0) options.onUnpriced?.(project, decoded.unpriced)
      return ingestResult(decoded, batch.eventIds, statuses)
    },
    async close() {
      await buffer.close()
      await decoder.close()
    },
  }
}

/**
 * Appends through the buffer. A store that cannot take events now (a full or read-only disk,
 * ClickHouse unreachable with its outage buffer full) refuses the request as retryable: nothing of
 * it was acknowledged, and the client's retry is safe since an event_id is stored once.
 */
async function appendOrRefuse(
  buffer: IngestBuffer<EncodedBatch>,
  batch: EncodedBatch,
): Promise<AppendResult> {
  try {
    return await buffer.append(batch)
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error
    // The cause (a file path, a server address) goes to the server's log, not to the client.
    const message = `the store cannot take events now; nothing of this request was acknowledged: send it again in ${error.retryAfterSeconds} s`
    throw new IngestError('store_unavailable', message, {
      cause: error,
      retryAfterSeconds: error.retryAfterSeconds,
    })
  }
}
