import { concatEncoded, type EncodedEvents } from '../store/event-columns.js'
import type { Store } from '../store/store.js'
import { batchItems, inflate, type RawBody } from './decode-body.js'
import { createIngestBuffer } from './ingest-buffer.js'
import { type IngestResult, ingestEvents, ingestResult } from './ingest-events.js'
import { createBodyDecoder } from './ingest-workers.js'

/** What POST /v1/events does with a body: decode, validate, store, answer per event. */
export interface IngestPath {
  ingest(body: RawBody): Promise<IngestResult>
  /** Waits for the last flush, stops the workers. */
  close(): Promise<void>
}

/**
 * The ingest path for `store`. A store that appends encoded events (DuckDB) gets them from the
 * body decoder's worker threads, concurrent requests joined into one append (IngestBuffer); any
 * other store gets event objects decoded on this thread, joined the same way.
 */
export function ingestPath(store: Store, workers?: number): IngestPath {
  const appendEncoded = store.appendEncoded?.bind(store)
  if (appendEncoded) {
    const decoder = createBodyDecoder(workers)
    const buffer = createIngestBuffer<EncodedEvents>(
      { append: appendEncoded },
      { kind: { size: (batch) => batch.rows, merge: concatEncoded } },
    )
    return {
      async ingest(body) {
        const decoded = await decoder.decode(body)
        const { batch } = decoded
        const statuses = batch.rows > 0 ? (await buffer.append(batch)).statuses : []
        return ingestResult(decoded, batch.eventIds, statuses)
      },
      async close() {
        await buffer.close()
        await decoder.close()
      },
    }
  }
  const buffer = createIngestBuffer(store)
  return {
    async ingest(body) {
      return ingestEvents(buffer, batchItems(await inflate(body), body.ndjson))
    },
    close: () => buffer.close(),
  }
}
