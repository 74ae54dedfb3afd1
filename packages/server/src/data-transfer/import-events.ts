import { DEFAULT_MAX_EVENT_AGE_DAYS, eventWindow } from '../ingest/event-window.js'
import { ingestResult, validateItems } from '../ingest/ingest-events.js'
import { DEFAULT_PROJECT } from '../schema/projects.js'
import type { Store } from '../store/store.js'
import { readJsonlFile } from './jsonl-file.js'
import { countParquetRows, readParquetFile } from './parquet-file.js'
import { takeRecordedPrice } from './recorded-price.js'
import type { SourceBatch } from './source-batch.js'

/** Where imported events come from: a JSON Lines file, a Parquet file, or another store. */
export type ImportSource =
  | { kind: 'jsonl'; path: string }
  | { kind: 'parquet'; path: string }
  /** `project`: only that project's events (default: every project's, each into its own). */
  | { kind: 'store'; store: Store; project?: string }
  /** Batches read elsewhere: a file the CLI reads and sends to a running server (POST /api/admin/events). */
  | { kind: 'batches'; batches: AsyncIterable<SourceBatch>; total?: number }

export interface ImportProgress {
  /** Records read so far (valid or not). */
  read: number
  inserted: number
  duplicates: number
  rejected: number
  /** Records in the source when it can tell up front (a store, a Parquet file); undefined for JSON Lines. */
  total: number | undefined
}

export interface ImportSummary extends Omit<ImportProgress, 'total'> {
  /**
   * Of the rejected, those refused only for a `ts` older than ingest's window (30 days): a
   * backfill would have taken them. Always 0 with `backfill`.
   */
  tooOld: number
  /** The first {@link MAX_REJECTIONS} rejected records, each as `line 7: ts: expected …`. */
  rejections: string[]
}

/** A summary of nothing read yet, for an import to add to. */
export function emptyImportSummary(): ImportSummary {
  return { read: 0, inserted: 0, duplicates: 0, rejected: 0, tooOld: 0, rejections: [] }
}

export interface ImportOptions {
  /**
   * History: events of any age are taken (the ingest window's past bound is lifted; its future
   * bound stays). Without it an import takes what `POST /v1/events` would, 30 days back at most.
   */
  backfill?: boolean
  /** Records per batch, each validated and appended at once. Default 5000. */
  batchSize?: number
  /** Called once before the first batch and after every batch. */
  onProgress?: (progress: ImportProgress) => void
  /**
   * The project every event goes into. Default: a store's events keep their own projects; a file's
   * go into the default project (a file does not say).
   */
  project?: string
}

/** Rejection reasons kept in the summary; past that they are only counted. */
export const MAX_REJECTIONS = 1000

/** A store's events, project by project (each batch says whose they are). */
async function* storeBatches(store: Store, batchSize: number, project?: string): AsyncGenerator<SourceBatch> {
  for (const current of project === undefined ? await store.projects() : [project])
    for await (const events of store.exportEvents(batchSize, current)) {
      yield {
        project: current,
        items: events.map((value) => ({ value })),
        labels: events.map((event) => `event ${event.event_id}`),
      }
    }
}

/** The records of a source, batch by batch. */
export function sourceBatches(source: ImportSource, batchSize: number): AsyncIterable<SourceBatch> {
  switch (source.kind) {
    case 'jsonl':
      return readJsonlFile(source.path, batchSize)
    case 'parquet':
      return readParquetFile(source.path, batchSize)
    case 'store':
      return storeBatches(source.store, batchSize, source.project)
    case 'batches':
      return source.batches
  }
}

/** How many records a source holds, when it can tell up front. */
export async function countSource(source: ImportSource): Promise<number | undefined> {
  switch (source.kind) {
    case 'jsonl':
      return undefined
    case 'parquet':
      return countParquetRows(source.path)
    case 'store':
      return (await source.store.stats(source.project)).events
    case 'batches':
      return source.total
  }
}

/**
 * Copies events into `target` batch by batch, never holding more than one batch: each record is
 * validated and priced exactly as `POST /v1/events` does it (ingestEvents), so a file or a store
 * can only bring in what ingest would accept, older events too when it is a `backfill`. An
 * event_id already stored is a duplicate unless this copy is newer (then it replaces the stored
 * one and counts as inserted), as at ingest. A repriced event keeps the price first recorded
 * (recorded-price.ts), which `POST /v1/events` never takes.
 */
export async function importEvents(
  target: Store,
  source: ImportSource,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 5000
  const total = await countSource(source)
  const maxAgeDays = options.backfill ? Number.POSITIVE_INFINITY : DEFAULT_MAX_EVENT_AGE_DAYS
  const summary = emptyImportSummary()
  const report = () =>
    options.onProgress?.({
      read: summary.read,
      inserted: summary.inserted,
      duplicates: summary.duplicates,
      rejected: summary.rejected,
      total,
    })
  report()
  for await (const batch of sourceBatches(source, batchSize)) {
    const project = options.project ?? batch.project ?? DEFAULT_PROJECT
    const taken = batch.items.map(takeRecordedPrice)
    const validated = validateItems(
      taken.map(({ item }) => item),
      eventWindow(maxAgeDays),
    )
    const events = validated.valid.map((event, position) => {
      const recorded = taken[validated.validIndexes[position] as number]?.recorded
      return recorded ? { ...event, ...recorded } : event
    })
    const statuses = events.length > 0 ? (await target.append(events, project)).statuses : []
    const result = {
      ...ingestResult(
        validated,
        events.map((event) => event.event_id),
        statuses,
      ),
      tooOld: validated.tooOld,
    }
    summary.read += batch.items.length
    summary.inserted += result.accepted
    summary.duplicates += result.duplicates
    summary.rejected += result.rejected
    summary.tooOld += result.tooOld
    for (const item of result.results) {
      if (item.status !== 'rejected' || summary.rejections.length >= MAX_REJECTIONS) continue
      summary.rejections.push(`${batch.labels[item.index]}: ${(item.errors ?? []).join('; ')}`)
    }
    report()
  }
  return summary
}
