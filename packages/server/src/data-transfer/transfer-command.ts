import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { DEFAULT_MAX_EVENT_AGE_DAYS } from '../ingest/event-window.js'
import type { ServerClient } from '../remote/server-client.js'
import { exportThroughServer, importThroughServer } from '../remote/server-transfer.js'
import { openStoreOrServer, type ServerOptions } from '../remote/store-or-server.js'
import { openStore } from '../store/open-store.js'
import type { Store } from '../store/store.js'
import {
  copyEconomics,
  describeEconomics,
  outcomesFileOf,
  readEconomicsFiles,
  revenueFileOf,
  writeEconomicsFiles,
} from './economics-transfer.js'
import { exportToFile } from './export-to-file.js'
import { type ImportSource, type ImportSummary, importEvents } from './import-events.js'
import {
  copyInvoice,
  hasInvoiceFile,
  invoiceFileOf,
  readInvoiceFile,
  writeInvoiceFile,
} from './invoice-transfer.js'
import { createProgressLine, type ProgressLine } from './progress-line.js'
import { parseTransferLocation, type TransferLocation } from './transfer-location.js'

export interface TransferCommandOptions {
  /** The store exported from (`export`) or imported into (`import`). */
  store: string
  /** `export --to` or `import --from`: a `.jsonl`/`.ndjson`/`.parquet` file or another store. */
  other: string
  batchSize?: number
  /**
   * `import --backfill`: events of any age (ImportOptions.backfill). `export --to <store>` is always
   * one: it copies history the first store already took.
   */
  backfill?: boolean
  /**
   * `export --project`: only that project's events; `import --project`: every event goes into that
   * project. Default: every project, each event into its own (a file's into the default project).
   */
  project?: string
  /** Default {@link openStore}: a DuckDB path, `chdb://folder` or `clickhouse://…`. */
  openStore?: (location: string) => Promise<Store>
  /** Where the summary goes, a line at a time. */
  print: (line: string) => void
  /** Default: a progress line on stderr. */
  progress?: ProgressLine
  /**
   * `--server` and `--key`: through a running server, which is also where the command goes when a
   * server holds `store` (remote/store-or-server.ts).
   */
  remote?: ServerOptions
}

/** Rejection reasons printed; the rest are counted. */
const PRINTED_REJECTIONS = 20

const count = (value: number) => value.toLocaleString('en-US')
const seconds = (started: number) => `${((performance.now() - started) / 1000).toFixed(1)} s`

/** The file or folder of an embedded store (DuckDB, chDB); undefined for a server. */
function localPath(location: string): string | undefined {
  if (location.startsWith('chdb://')) return location.slice('chdb://'.length)
  return location.includes('://') || location === ':memory:' ? undefined : location
}

function sameLocation(a: string, b: string): boolean {
  const [pathA, pathB] = [localPath(a), localPath(b)]
  return pathA !== undefined && pathB !== undefined ? resolve(pathA) === resolve(pathB) : a === b
}

/** A store read from must exist: opening a missing DuckDB file or chDB folder would create an empty one. */
async function openExisting(location: string, options: TransferCommandOptions) {
  const path = localPath(location)
  if (path !== undefined && !existsSync(path)) {
    throw new Error(
      `no store at ${location} (a file to move events through ends in .jsonl, .ndjson or .parquet)`,
    )
  }
  return (options.openStore ?? openStore)(location)
}

function printImportSummary(summary: ImportSummary, print: (line: string) => void) {
  const rows: [string, number][] = [
    ['read', summary.read],
    ['inserted', summary.inserted],
    ['duplicates', summary.duplicates],
    ['rejected', summary.rejected],
  ]
  const width = Math.max(...rows.map(([, value]) => count(value).length))
  for (const [label, value] of rows) print(`  ${label.padEnd(11)}${count(value).padStart(width)}`)
  for (const reason of summary.rejections.slice(0, PRINTED_REJECTIONS)) print(`    ${reason}`)
  const unprinted = summary.rejected - Math.min(summary.rejections.length, PRINTED_REJECTIONS)
  if (unprinted > 0) print(`    … and ${count(unprinted)} more rejected`)
  if (summary.tooOld > 0)
    print(
      `  ${count(summary.tooOld)} of the rejected are older than ${DEFAULT_MAX_EVENT_AGE_DAYS} days, as at ingest; run the import again with --backfill to load them as history`,
    )
}

async function copyIntoStore(
  target: Store,
  source: ImportSource,
  sourceName: string,
  options: TransferCommandOptions,
  backfill: boolean,
  /** Carries the invoice along (invoice-transfer.ts) once the events are in; answers how many lines. */
  invoice: (target: Store) => Promise<number>,
  /** Carries outcomes and revenue along (economics-transfer.ts); answers the summary's lines. */
  economics: (target: Store) => Promise<string[]>,
) {
  const started = performance.now()
  const progress = options.progress ?? createProgressLine('events')
  try {
    const summary = await importEvents(target, source, {
      backfill,
      // Exporting one project into a store keeps it in that project: the source is filtered instead.
      project: source.kind === 'store' && source.project !== undefined ? undefined : options.project,
      batchSize: options.batchSize,
      onProgress: (state) =>
        progress.update(
          state.read,
          state.total,
          `${count(state.inserted)} inserted, ${count(state.duplicates)} duplicates, ${count(state.rejected)} rejected`,
        ),
    })
    progress.stop()
    const lines = await invoice(target)
    const carried = await economics(target)
    options.print(`Imported from ${sourceName} into ${target.location} in ${seconds(started)}:`)
    printImportSummary(summary, options.print)
    if (lines > 0) options.print(`  and ${count(lines)} invoice lines (docs/invoice.md)`)
    for (const line of carried) options.print(`  and ${line}`)
    return summary
  } finally {
    progress.stop()
    await target.close()
  }
}

/** `spendlens export --store <from> --to <file.jsonl | file.parquet | store>`. */
export async function runExport(options: TransferCommandOptions): Promise<void> {
  const to = parseTransferLocation(options.other)
  if (to.kind === 'store' && sameLocation(options.store, to.location)) {
    throw new Error('--to names the store being exported')
  }
  const started = performance.now()
  const opened = await openStoreOrServer(options.store, {
    ...options.remote,
    mustExist: true,
    open: options.openStore,
  })
  if (opened.kind === 'server') return exportThroughServerCommand(opened.client, to, options, started)
  const store = opened.store
  try {
    if (to.kind === 'store') {
      await copyIntoStore(
        await (options.openStore ?? openStore)(to.location),
        { kind: 'store', store, project: options.project },
        store.location,
        options,
        true,
        (target) => copyInvoice(store, target, options.project),
        async (target) => describeEconomics(await copyEconomics(store, target, options.project), 'copied'),
      )
      return
    }
    const progress = options.progress ?? createProgressLine('events')
    try {
      const { written } = await exportToFile(store, to.path, to.kind, {
        batchSize: options.batchSize,
        project: options.project,
        onProgress: (state) => progress.update(state.written, state.total),
      })
      progress.stop()
      const { size } = await stat(to.path)
      const lines = await writeInvoiceFile(store, invoiceFileOf(to.path), options.project)
      const economics = await writeEconomicsFiles(store, to.path, options.project)
      options.print(
        `Exported ${count(written)} events from ${store.location} to ${to.path} (${to.kind === 'jsonl' ? 'JSON Lines' : 'Parquet'}, ${(size / 1_048_576).toFixed(1)} MB) in ${seconds(started)}.`,
      )
      if (lines > 0) options.print(`Exported ${count(lines)} invoice lines to ${invoiceFileOf(to.path)}.`)
      if (economics.outcomes > 0)
        options.print(`Exported ${count(economics.outcomes)} outcomes to ${outcomesFileOf(to.path)}.`)
      if (economics.revenue > 0)
        options.print(`Exported ${count(economics.revenue)} revenue entries to ${revenueFileOf(to.path)}.`)
    } finally {
      progress.stop()
    }
  } finally {
    await store.close()
  }
}

/** `spendlens import --store <to> --from <file.jsonl | file.ndjson | file.parquet | store> [--backfill]`. */
export async function runImport(options: TransferCommandOptions): Promise<ImportSummary> {
  const from = parseTransferLocation(options.other)
  if (from.kind !== 'store' && !existsSync(from.path)) throw new Error(`no such file: ${from.path}`)
  if (from.kind === 'store' && sameLocation(options.store, from.location))
    throw new Error('--from names the store being imported into')
  const opened = await openStoreOrServer(options.store, { ...options.remote, open: options.openStore })
  if (opened.kind === 'server') return importThroughServerCommand(opened.client, from, options)
  if (from.kind !== 'store') {
    return copyIntoStore(
      opened.store,
      from,
      from.path,
      options,
      options.backfill ?? false,
      async (target) =>
        hasInvoiceFile(from.path) ? readInvoiceFile(target, invoiceFileOf(from.path), options.project) : 0,
      async (target) =>
        describeEconomics(await readEconomicsFiles(target, from.path, options.project), 'read'),
    )
  }
  const source = await openExisting(from.location, options).catch(async (error) => {
    await opened.store.close()
    throw error
  })
  try {
    return await copyIntoStore(
      opened.store,
      { kind: 'store', store: source },
      source.location,
      options,
      options.backfill ?? false,
      (target) => copyInvoice(source, target, undefined, options.project),
      async (target) =>
        describeEconomics(await copyEconomics(source, target, undefined, options.project), 'copied'),
    )
  } finally {
    await source.close()
  }
}

/** Side files (invoice, outcomes, revenue) beside an events file: a server does not take them over HTTP. */
function sideFiles(path: string): string[] {
  return [invoiceFileOf(path), outcomesFileOf(path), revenueFileOf(path)].filter((file) => existsSync(file))
}

/** `spendlens export` when a server holds the store, or `--server` names one: to a file, through its API. */
async function exportThroughServerCommand(
  client: ServerClient,
  to: TransferLocation,
  options: TransferCommandOptions,
  started: number,
): Promise<void> {
  if (to.kind === 'store')
    throw new Error(
      `through a running server (${client.url}) events go to a file only: export to a .jsonl or .parquet file and import that into the other store, or stop the server`,
    )
  const progress = options.progress ?? createProgressLine('events')
  try {
    const { written } = await exportThroughServer(client, {
      path: to.path,
      format: to.kind,
      project: options.project,
      progress,
    })
    progress.stop()
    const { size } = await stat(to.path)
    options.print(
      `Exported ${count(written)} events through the server at ${client.url} to ${to.path} (${to.kind === 'jsonl' ? 'JSON Lines' : 'Parquet'}, ${(size / 1_048_576).toFixed(1)} MB) in ${seconds(started)}.`,
    )
    options.print(
      'The invoice, outcomes and revenue stay behind through a server: stop it and export again to take them along.',
    )
  } finally {
    progress.stop()
  }
}

/** `spendlens import` when a server holds the store, or `--server` names one: batch by batch through its API. */
async function importThroughServerCommand(
  client: ServerClient,
  from: TransferLocation,
  options: TransferCommandOptions,
): Promise<ImportSummary> {
  const started = performance.now()
  const progress = options.progress ?? createProgressLine('events')
  const source = from.kind === 'store' ? await openExisting(from.location, options) : undefined
  try {
    const summary = await importThroughServer(
      client,
      source === undefined
        ? (from as Exclude<TransferLocation, { kind: 'store' }>)
        : { kind: 'store', store: source },
      {
        backfill: options.backfill ?? false,
        project: options.project,
        batchSize: options.batchSize ?? 5000,
        progress,
      },
    )
    progress.stop()
    options.print(
      `Imported from ${source?.location ?? options.other} through the server at ${client.url} in ${seconds(started)}:`,
    )
    printImportSummary(summary, options.print)
    const left = from.kind === 'store' ? [] : sideFiles(from.path)
    if (from.kind === 'store' || left.length > 0)
      options.print(
        `  the invoice, outcomes and revenue${left.length > 0 ? ` (${left.join(', ')})` : ''} were not imported through the server: stop it and import again to take them (their events are duplicates then)`,
      )
    return summary
  } finally {
    progress.stop()
    await source?.close()
  }
}
