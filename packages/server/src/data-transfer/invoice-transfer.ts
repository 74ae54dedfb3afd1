import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { z } from 'zod'
import { INVOICE_SYNC_TABLE } from '../schema/invoice-sync-table.js'
import { INVOICE_LINE_FIELDS, INVOICE_PROVIDERS, type StoredInvoiceLine } from '../schema/invoice-table.js'
import { PROJECT_NAME } from '../schema/projects.js'
import type { Store } from '../store/store.js'

/**
 * The invoice travels with the events (docs/data-transfer.md): a store copied into another takes its
 * synced invoice lines and sync state along; a file export writes them beside the events file, as
 * `<name>.invoice.jsonl`, which an import of that file reads back. Lines replace what the target
 * holds for their report's days (Store.replaceInvoiceLines), so copying twice counts nothing twice.
 */

/** The invoice file beside an events file: `events.jsonl` → `events.invoice.jsonl`. */
export const invoiceFileOf = (eventsPath: string) =>
  `${eventsPath.replace(/\.(jsonl|ndjson|parquet)$/i, '')}.invoice.jsonl`

/** Writes every invoice line of `project` (of every project when not given); answers how many. */
export async function writeInvoiceFile(store: Store, path: string, project?: string): Promise<number> {
  const lines = await store.invoiceLines({ project })
  if (lines.length === 0) return 0
  await writeFile(path, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`)
  return lines.length
}

const count = z.number().int().safe().nullable()
const text = z.string().max(1000).nullable()
/** A line as a file holds it: every field, checked, nothing else. */
const lineSchema = z.strictObject({
  project: z.string().regex(PROJECT_NAME),
  provider: z.enum(INVOICE_PROVIDERS),
  source: z.string().min(1).max(100),
  bucket_start: z.number().int().safe(),
  bucket_end: z.number().int().safe(),
  provider_project: text,
  api_key_id: text,
  model: text,
  line_item: text,
  cost_type: text,
  token_type: text,
  service_tier: text,
  context_window: text,
  batch: z.boolean().nullable(),
  amount_nanos: count,
  currency: text,
  quantity: z.number().finite().nullable(),
  quantity_unit: text,
  requests: count,
  input_tokens: count,
  cache_read_tokens: count,
  cache_write_tokens: count,
  cache_write_1h_tokens: count,
  output_tokens: count,
  input_audio_tokens: count,
  output_audio_tokens: count,
  images: count,
  characters: count,
  seconds: z.number().finite().nullable(),
  web_search_requests: count,
  sessions: count,
  usage_bytes: count,
}) satisfies z.ZodType<StoredInvoiceLine>

// The schema and the table name the same fields: a field added to one and not the other fails here.
if (Object.keys(lineSchema.shape).length !== INVOICE_LINE_FIELDS.length + 1)
  throw new Error('the invoice file schema and the invoice table disagree')

/**
 * Reads an invoice file into `store`, every line checked first: a file with a bad line is refused
 * whole, naming the line (its ranges would replace good lines with a part of them). `into` moves
 * every line into one project. Answers how many lines.
 */
export async function readInvoiceFile(store: Store, path: string, into?: string): Promise<number> {
  const lines: StoredInvoiceLine[] = []
  const text = await readFile(path, 'utf8')
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      throw new Error(`${path} line ${index + 1}: not valid JSON`)
    }
    const line = lineSchema.safeParse(parsed)
    if (!line.success)
      throw new Error(
        `${path} line ${index + 1}: ${line.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      )
    lines.push({ ...line.data, project: into ?? line.data.project })
  })
  await replaceAll(store, lines)
  return lines.length
}

/** Copies the invoice lines and sync state of `project` (every project when not given) from one store into another. */
export async function copyInvoice(from: Store, to: Store, project?: string, into?: string): Promise<number> {
  const lines = (await from.invoiceLines({ project })).map((line) => ({
    ...line,
    project: into ?? line.project,
  }))
  await replaceAll(to, lines)
  const states = (await from.readRecords(INVOICE_SYNC_TABLE))
    .filter((state) => project === undefined || state.project === project)
    .map((state) => (into ? { ...state, project: into, id: `${into}/${state.provider}` } : state))
  if (states.length > 0) await to.writeRecords(INVOICE_SYNC_TABLE, states)
  return lines.length
}

/** Stores lines report by report, each replacing its report's days in the target. */
async function replaceAll(store: Store, lines: StoredInvoiceLine[]) {
  const groups = new Map<string, StoredInvoiceLine[]>()
  for (const line of lines) {
    const key = JSON.stringify([line.project, line.provider, line.source])
    groups.set(key, [...(groups.get(key) ?? []), line])
  }
  for (const group of groups.values()) {
    const [first] = group as [StoredInvoiceLine]
    let from = first.bucket_start
    let to = first.bucket_start
    for (const line of group) {
      from = Math.min(from, line.bucket_start)
      to = Math.max(to, line.bucket_start)
    }
    await store.replaceInvoiceLines(
      { project: first.project, provider: first.provider, source: first.source, from, to: to + 1 },
      group.map(({ project: _project, ...line }) => line),
    )
  }
}

export const hasInvoiceFile = (eventsPath: string) => existsSync(invoiceFileOf(eventsPath))
