import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import type { ReadableStream } from 'node:stream/web'
import type { LoggedEvent } from '../api/api-types.js'
import type { FileFormat } from '../data-transfer/export-to-file.js'
import { writeEventsFile } from '../data-transfer/export-to-file.js'
import {
  countSource,
  emptyImportSummary,
  type ImportSource,
  type ImportSummary,
  MAX_REJECTIONS,
  sourceBatches,
} from '../data-transfer/import-events.js'
import type { ProgressLine } from '../data-transfer/progress-line.js'
import { ADMIN_BATCH_SIZE, EVENTS_TOTAL_HEADER } from '../http/admin-routes.js'
import type { ServerClient } from './server-client.js'

/**
 * `spendlens export` through a running server: its events as JSON Lines (GET /api/admin/events),
 * a batch at a time into the file, so memory holds one batch whatever the store's size.
 */
export async function exportThroughServer(
  client: ServerClient,
  options: { path: string; format: FileFormat; project?: string; progress: ProgressLine },
): Promise<{ written: number }> {
  const response = await client.request(
    'GET',
    `api/admin/events${options.project === undefined ? '?every_project=1' : ''}`,
    { project: options.project },
  )
  const total = Number(response.headers.get(EVENTS_TOTAL_HEADER) ?? 0)
  let written = 0
  options.progress.update(0, total)
  async function* batches(): AsyncGenerator<LoggedEvent[]> {
    if (!response.body) return
    const lines = createInterface({
      input: Readable.fromWeb(response.body as ReadableStream<Uint8Array>),
      crlfDelay: Number.POSITIVE_INFINITY,
    })
    let batch: LoggedEvent[] = []
    for await (const line of lines) {
      if (line.length === 0) continue
      batch.push(JSON.parse(line) as LoggedEvent)
      if (batch.length >= ADMIN_BATCH_SIZE) {
        yield batch
        written += batch.length
        options.progress.update(written, total)
        batch = []
      }
    }
    if (batch.length > 0) {
      yield batch
      written += batch.length
      options.progress.update(written, total)
    }
  }
  await writeEventsFile(options.path, options.format, batches())
  return { written }
}

/**
 * `spendlens import` through a running server: the source read here, batch by batch, each batch
 * sent to POST /api/admin/events, which validates, prices and stores it as the import does on an
 * open store (import-events.ts); the answers add up to the same summary.
 */
export async function importThroughServer(
  client: ServerClient,
  source: ImportSource,
  options: { backfill: boolean; project?: string; batchSize: number; progress: ProgressLine },
): Promise<ImportSummary> {
  const total = await countSource(source)
  const summary = emptyImportSummary()
  const batchSize = Math.min(options.batchSize, ADMIN_BATCH_SIZE)
  for await (const batch of sourceBatches(source, batchSize)) {
    const answer = await client.json<ImportSummary>('POST', 'api/admin/events', {
      // A file's events go to the named project or the key's own; a store's keep theirs.
      project: options.project ?? batch.project,
      body: { backfill: options.backfill, items: batch.items, labels: batch.labels },
    })
    summary.read += answer.read
    summary.inserted += answer.inserted
    summary.duplicates += answer.duplicates
    summary.rejected += answer.rejected
    summary.tooOld += answer.tooOld
    summary.rejections.push(...answer.rejections.slice(0, MAX_REJECTIONS - summary.rejections.length))
    options.progress.update(
      summary.read,
      total,
      `${summary.inserted.toLocaleString('en-US')} inserted, ${summary.duplicates.toLocaleString('en-US')} duplicates, ${summary.rejected.toLocaleString('en-US')} rejected`,
    )
  }
  return summary
}
