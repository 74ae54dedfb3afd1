import { rename, rm } from 'node:fs/promises'
import type { LoggedEvent } from '../api/api-types.js'
import type { Store } from '../store/store.js'
import { writeJsonlFile } from './jsonl-file.js'
import { writeParquetFile } from './parquet-file.js'

export type FileFormat = 'jsonl' | 'parquet'

export interface ExportProgress {
  written: number
  /** Events in the store when the export started. */
  total: number
}

export interface ExportOptions {
  /** Events read from the store at once. Default 5000. */
  batchSize?: number
  /** Called once before the first batch and after every batch. */
  onProgress?: (progress: ExportProgress) => void
  /** Only this project's events (a file does not say which project an event is in). Default: every project's. */
  project?: string
}

/**
 * Writes every event of `store`, oldest first, to a JSON Lines file (one CostEvent per line, what
 * `POST /v1/events` and `spendlens import` take) or a Parquet file (the store's columns). Streams
 * batch by batch; the file appears under its name only once complete, so a failed export never
 * leaves a truncated file that looks whole.
 */
export async function exportToFile(
  store: Store,
  path: string,
  format: FileFormat,
  options: ExportOptions = {},
): Promise<{ written: number }> {
  const total = (await store.stats(options.project)).events
  let written = 0
  options.onProgress?.({ written, total })
  async function* batches(): AsyncGenerator<LoggedEvent[]> {
    for await (const events of store.exportEvents(options.batchSize ?? 5000, options.project)) {
      yield events
      written += events.length
      options.onProgress?.({ written, total })
    }
  }
  await writeEventsFile(path, format, batches())
  return { written }
}

/**
 * Writes batches of events to a JSON Lines or Parquet file under a temporary name, renamed to `path`
 * once complete (exportToFile, and an export through a running server).
 */
export async function writeEventsFile(
  path: string,
  format: FileFormat,
  batches: AsyncIterable<LoggedEvent[]>,
): Promise<void> {
  const partial = `${path}.partial-${process.pid}`
  try {
    await (format === 'jsonl' ? writeJsonlFile(partial, batches) : writeParquetFile(partial, batches))
    await rename(partial, path)
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  }
}
