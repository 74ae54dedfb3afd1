import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { z } from 'zod'
import { OUTCOME_FIELDS, type StoredOutcome } from '../schema/outcomes-table.js'
import { PROJECT_NAME } from '../schema/projects.js'
import { REVENUE_TABLE, type RevenueRecord, revenueId } from '../schema/revenue-table.js'
import type { Store } from '../store/store.js'

/**
 * Outcomes and revenue travel with the events (docs/data-transfer.md), as the invoice does: a store
 * copied into another takes them along; a file export writes them beside the events file, as
 * `<name>.outcomes.jsonl` and `<name>.revenue.jsonl`, which an import of that file reads back. An
 * outcome id already in the target is a duplicate (stored once, as at ingest); a revenue entry
 * replaces the target's for its customer and month. So copying twice changes nothing.
 */

const base = (eventsPath: string) => eventsPath.replace(/\.(jsonl|ndjson|parquet)$/i, '')
export const outcomesFileOf = (eventsPath: string) => `${base(eventsPath)}.outcomes.jsonl`
export const revenueFileOf = (eventsPath: string) => `${base(eventsPath)}.revenue.jsonl`

/** What moved: outcomes stored and already there, revenue entries written. */
export interface EconomicsCounts {
  outcomes: number
  duplicates: number
  revenue: number
}

/** Revenue as a file line: the record's fields under the API's names, money in nano-dollars. */
const revenueLine = z.strictObject({
  project: z.string().regex(PROJECT_NAME),
  customer_id: z.string().min(1).max(500),
  month: z.string().regex(/^(\d{4}-(0[1-9]|1[0-2]))?$/),
  plan: z.string().max(100),
  revenue_nanos: z.number().int().safe().min(0),
  changed_at: z.number().int().safe(),
})
const outcomeLine = z.strictObject({
  project: z.string().regex(PROJECT_NAME),
  id: z.string().min(1).max(200),
  ts_ms: z.number().int().safe(),
  outcome: z.string().min(1).max(100),
  customer_id: z.string().max(500),
  feature: z.string().max(500),
  value_nanos: z.number().int().safe().nullable(),
  received_ms: z.number().int().safe(),
}) satisfies z.ZodType<StoredOutcome>

// The file's fields and the table's are the same: a column added to one and not the other fails here.
if (Object.keys(outcomeLine.shape).length !== OUTCOME_FIELDS.length)
  throw new Error('the outcomes file schema and the outcomes table disagree')

async function activeRevenue(store: Store, project?: string): Promise<RevenueRecord[]> {
  return (await store.readRecords(REVENUE_TABLE)).filter(
    (record) => record.revenueNanos !== null && (project === undefined || record.project === project),
  )
}

const toLine = (record: RevenueRecord) => ({
  project: record.project,
  customer_id: record.customerId,
  month: record.month,
  plan: record.plan,
  revenue_nanos: record.revenueNanos,
  changed_at: record.updatedAt,
})

const fromLine = (line: z.output<typeof revenueLine>, into?: string): RevenueRecord => {
  const project = into ?? line.project
  return {
    id: revenueId(project, line.customer_id, line.month),
    project,
    customerId: line.customer_id,
    month: line.month,
    plan: line.plan,
    revenueNanos: line.revenue_nanos,
    updatedAt: line.changed_at,
  }
}

/** Stores outcomes project by project (their own `project`, or `into`). */
async function storeOutcomes(
  store: Store,
  outcomes: StoredOutcome[],
  counts: EconomicsCounts,
  into?: string,
) {
  const byProject = new Map<string, StoredOutcome[]>()
  for (const outcome of outcomes) {
    const project = into ?? outcome.project
    byProject.set(project, [...(byProject.get(project) ?? []), { ...outcome, project }])
  }
  for (const [project, group] of byProject) {
    const statuses = await store.appendOutcomes(group, project)
    for (const status of statuses) {
      if (status === 'duplicate') counts.duplicates++
      else counts.outcomes++
    }
  }
}

/** Writes the outcomes and revenue of `project` (every project when not given) beside an events file. */
export async function writeEconomicsFiles(
  store: Store,
  eventsPath: string,
  project?: string,
): Promise<EconomicsCounts> {
  const counts: EconomicsCounts = { outcomes: 0, duplicates: 0, revenue: 0 }
  const lines: string[] = []
  for await (const page of store.exportOutcomes(10_000, project)) {
    for (const outcome of page) lines.push(JSON.stringify(outcome))
    counts.outcomes += page.length
  }
  if (lines.length > 0) await writeFile(outcomesFileOf(eventsPath), `${lines.join('\n')}\n`)
  const revenue = await activeRevenue(store, project)
  counts.revenue = revenue.length
  if (revenue.length > 0)
    await writeFile(
      revenueFileOf(eventsPath),
      `${revenue.map((record) => JSON.stringify(toLine(record))).join('\n')}\n`,
    )
  return counts
}

/** Every line of a JSON Lines file through `schema`; a bad line refuses the whole file, naming it. */
async function readLines<T extends z.ZodType>(path: string, schema: T): Promise<z.output<T>[]> {
  const parsed: z.output<T>[] = []
  const text = await readFile(path, 'utf8')
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      throw new Error(`${path} line ${index + 1}: not valid JSON`)
    }
    const line = schema.safeParse(value)
    if (!line.success)
      throw new Error(
        `${path} line ${index + 1}: ${line.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      )
    parsed.push(line.data)
  })
  return parsed
}

/** Reads the outcomes and revenue files beside an events file into `store`, when they are there. */
export async function readEconomicsFiles(
  store: Store,
  eventsPath: string,
  into?: string,
): Promise<EconomicsCounts> {
  const counts: EconomicsCounts = { outcomes: 0, duplicates: 0, revenue: 0 }
  const outcomesPath = outcomesFileOf(eventsPath)
  const revenuePath = revenueFileOf(eventsPath)
  // Both files checked whole before anything of either is stored.
  const outcomes = existsSync(outcomesPath) ? await readLines(outcomesPath, outcomeLine) : []
  const revenue = existsSync(revenuePath) ? await readLines(revenuePath, revenueLine) : []
  await storeOutcomes(store, outcomes, counts, into)
  if (revenue.length > 0)
    await store.writeRecords(
      REVENUE_TABLE,
      revenue.map((line) => fromLine(line, into)),
    )
  counts.revenue = revenue.length
  return counts
}

/** Copies the outcomes and revenue of `project` (every project when not given) from one store into another. */
export async function copyEconomics(
  from: Store,
  to: Store,
  project?: string,
  into?: string,
): Promise<EconomicsCounts> {
  const counts: EconomicsCounts = { outcomes: 0, duplicates: 0, revenue: 0 }
  for await (const page of from.exportOutcomes(10_000, project)) await storeOutcomes(to, page, counts, into)
  const revenue = (await activeRevenue(from, project)).map((record) =>
    fromLine(toLine(record) as z.output<typeof revenueLine>, into),
  )
  if (revenue.length > 0) await to.writeRecords(REVENUE_TABLE, revenue)
  counts.revenue = revenue.length
  return counts
}

/** The summary's lines for what moved (none when nothing did). */
export function describeEconomics(counts: EconomicsCounts, verb: string): string[] {
  const lines: string[] = []
  const count = (value: number) => value.toLocaleString('en-US')
  if (counts.outcomes + counts.duplicates > 0)
    lines.push(
      `${verb} ${count(counts.outcomes)} outcomes${counts.duplicates > 0 ? ` (${count(counts.duplicates)} already there)` : ''} (docs/decisions.md)`,
    )
  if (counts.revenue > 0) lines.push(`${verb} ${count(counts.revenue)} revenue entries (docs/decisions.md)`)
  return lines
}
