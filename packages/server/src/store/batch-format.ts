import type { CostEvent } from 'spendlens'
import { concatRows, type EventRows, encodeRows } from './clickhouse/encode-rows.js'
import { concatEncoded, type EncodedEvents, encodedBuffers, encodeEvents } from './duckdb/encode-columns.js'

/**
 * How a store wants events encoded before it appends them. The ingest path runs the same chain
 * (decode → validate → price → encode) for every store, on a worker thread or in-thread
 * (ingest/ingest-workers.ts), and ends it with the store's encoder, found here by name: a worker
 * thread gets the name, not the store.
 */
export interface BatchFormat<Batch extends EncodedBatch = EncodedBatch> {
  /** `project`: whose events they are (a batch is one project's; default: the default project). */
  encode(events: readonly CostEvent[], project?: string): Batch
  /** Joins batches in order (the ingest buffer's flush of concurrent requests). */
  merge(batches: Batch[]): Batch
  /** The buffers a worker hands over instead of copying. */
  transferables(batch: Batch): ArrayBuffer[]
}

/** A batch in one of the formats, each saying which. */
export type EncodedBatch = EncodedEvents | EventRows

const columns: BatchFormat<EncodedEvents> = {
  encode: encodeEvents,
  merge: concatEncoded,
  transferables: encodedBuffers,
}

const rows: BatchFormat<EventRows> = {
  encode: encodeRows,
  merge: concatRows,
  transferables: () => [],
}

export const BATCH_FORMATS = { columns, rows }
export type BatchFormatName = keyof typeof BATCH_FORMATS

/** A format by name, for code that handles batches of any store (ingest). */
export function batchFormat(name: BatchFormatName): BatchFormat {
  return BATCH_FORMATS[name] as unknown as BatchFormat
}
