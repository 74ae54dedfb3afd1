import {
  type AnalyticsQuery,
  type BeforeTracking,
  GAP_PARTS,
  type GapPart,
  type InvoiceLineItem,
  type InvoiceSyncStatus,
  type ReconcileAnswer,
  type ReconcileBy,
  type ReconcileFigures,
  type ReconcileRow,
} from '../api/api-types.js'
import { queryInParts } from '../query/query-in-parts.js'
import type { InvoiceProvider, StoredInvoiceLine } from '../schema/invoice-table.js'
import type { Store } from '../store/store.js'
import {
  addTokens,
  catalogEntry,
  catalogModel,
  catalogWeight,
  NO_TOKENS,
  type TokenCounts,
  totalTokens,
} from './catalog-weights.js'

/**
 * How much of the providers' invoice the tracked events explain, and why the rest is missing.
 *
 * The unit of work is a cell: one UTC day (the providers' buckets), provider, model (the catalog's
 * name, so a snapshot and its alias meet) and provider project. In each cell:
 * - invoiced I: the cost lines of that model; tracked C: the events' cost (from the rollups);
 * - usage U: the usage report's tokens; tracked tokens T: the events' tokens.
 * The gap I − C splits into parts that add up to it exactly, in integer nano-dollars:
 * - untracked usage = I × (w(U) − w(T)) / w(U): the invoice's share for tokens the provider saw
 *   and no event recorded, where w weighs each kind of token by the catalog's relative prices
 *   (catalog-weights.ts; plain token counts when the catalog has no price). Valued at the
 *   invoice's money, so a wrong catalog price does not leak into it;
 * - price difference = the rest, I × w(T)/w(U) − C: the same tokens, other money;
 * - non-model lines: invoice lines of no model (fine-tuning, storage, tool sessions), whole;
 * - unexplained: money that cannot be split: cost lines not itemized by model, a model without a
 *   usage report, a model billed by units other than tokens.
 *
 * Only days a complete invoice covers are reconciled (a provider's synced days, the current UTC
 * day once it is over); tracked cost elsewhere is reported apart. Days before the first tracked
 * event are the provider's own totals, "before tracking", never mixed into the figures.
 */

const DAY_MS = 86_400_000
/** Sources whose lines count tokens (the others count images, characters, seconds, sessions, bytes). */
const TOKEN_SOURCES = new Set(['usage/completions', 'usage/embeddings', 'usage_report/messages'])
/** Weeks of tracked traffic whose mix spreads the invoice before tracking, in the estimate. */
const ESTIMATE_WEEKS = 2

export interface ReconcileRequest {
  project: string
  /** Epoch ms, whole UTC days: [from, to). */
  from: number
  to: number
  by: ReconcileBy
  /** Spread the invoice before tracking over features and customers (always labelled an estimate). */
  estimate?: boolean
  /** Where each provider's sync stands: which days it covers. */
  sync: InvoiceSyncStatus[]
}

type CellKind = 'model' | 'non_model' | 'unitemized'

interface Cell {
  day: number
  provider: string
  kind: CellKind
  model: string | null
  project: string | null
  snapshots: Set<string>
  invoicedNanos: number
  /** The invoiced money by kind of token, while every cost line names a kind this knows (else null). */
  invoicedByKind: Record<TokenKind, number> | null
  trackedNanos: number
  usage: TokenCounts
  /** Some usage line (of any unit) names this model and day. */
  hasUsage: boolean
  /** Some of that usage is counted in units other than tokens. */
  otherUnits: boolean
  tracked: TokenCounts
  /** A model name as the usage, cost lines or events give it, for the catalog. */
  anyName: string | null
  batch: boolean
  serviceTier: string | null
}

interface Parts {
  invoiced: number
  tracked: number
  untracked_usage: number
  price_difference: number
  non_model: number
  unexplained: number
}

const NO_PARTS: Parts = {
  invoiced: 0,
  tracked: 0,
  untracked_usage: 0,
  price_difference: 0,
  non_model: 0,
  unexplained: 0,
}

export async function reconcile(store: Store, request: ReconcileRequest): Promise<ReconcileAnswer> {
  const lines = await store.invoiceLines({ project: request.project, from: request.from, to: request.to })
  const covered = coverage(request.sync, lines)
  const cells = new Map<string, Cell>()
  const cell = (
    day: number,
    provider: string,
    kind: CellKind,
    name: string | null,
    project: string | null,
  ) => {
    const model = kind === 'model' && name !== null ? catalogModel(provider, name, day) : name
    const key = `${day}\u0000${provider}\u0000${kind}\u0000${model}\u0000${project}`
    let found = cells.get(key)
    if (!found) {
      found = {
        day,
        provider,
        kind,
        model,
        project,
        snapshots: new Set(),
        invoicedNanos: 0,
        invoicedByKind: { ...NO_KINDS },
        trackedNanos: 0,
        usage: { ...NO_TOKENS },
        tracked: { ...NO_TOKENS },
        hasUsage: false,
        otherUnits: false,
        anyName: null,
        batch: false,
        serviceTier: null,
      }
      cells.set(key, found)
    }
    if (kind === 'model' && name !== null) {
      found.snapshots.add(name)
      found.anyName ??= name
    }
    return found
  }

  const tracked = await trackedRows(store, request)
  const firstTracked = await firstTrackedDay(store, request.project, lines, tracked)
  const lineItems = new Map<string, InvoiceLineItem & { nanos: number }>()
  for (const line of lines) {
    const day = dayOf(line.bucket_start)
    if (!covered(line.provider, day)) continue
    if (line.amount_nanos !== null) {
      const kind = costKind(line)
      const target = cell(day, line.provider, kind, line.model, line.provider_project)
      target.invoicedNanos += line.amount_nanos
      const tokenKind = kindOfCost(line.token_type)
      if (target.invoicedByKind && tokenKind) target.invoicedByKind[tokenKind] += line.amount_nanos
      else target.invoicedByKind = null
      if (firstTracked === null || day < firstTracked) continue
      const item = lineItemOf(line, target.model)
      const key = `${item.provider}\u0000${item.line_item}\u0000${item.project}`
      const found = lineItems.get(key) ?? { ...item, nanos: 0 }
      found.nanos += line.amount_nanos
      lineItems.set(key, found)
    } else if (line.model !== null) {
      const target = cell(day, line.provider, 'model', line.model, line.provider_project)
      target.hasUsage = true
      if (TOKEN_SOURCES.has(line.source)) addTokens(target.usage, line)
      else target.otherUnits = true
      target.batch ||= line.batch === true
      target.serviceTier ??= line.service_tier
    }
  }

  let outsideNanos = 0
  for (const row of tracked) {
    const day = Date.parse(String(row.bucket_start))
    const provider = String(row.provider)
    const nanos = Math.round(Number(row.cost_usd ?? 0) * 1e9)
    if (!covered(provider, day)) {
      outsideNanos += nanos
      continue
    }
    const project =
      row.provider_project === undefined || row.provider_project === null
        ? null
        : String(row.provider_project)
    const target = cell(day, provider, 'model', String(row.model), project)
    target.trackedNanos += nanos
    addTokens(target.tracked, row as Partial<Record<keyof TokenCounts, number>>)
  }

  const before: Cell[] = []
  const reconciled: [Cell, Parts][] = []
  for (const current of foldUnknownProjects(cells.values())) {
    if (firstTracked === null || current.day < firstTracked) before.push(current)
    else reconciled.push([current, split(current)])
  }

  const totals = sumParts(reconciled.map(([, parts]) => parts))
  const dominant = dominantPart(totals)
  return {
    from: new Date(request.from).toISOString(),
    to: new Date(request.to).toISOString(),
    by: request.by,
    totals: figures(totals),
    dominant,
    summary: summarize(totals, dominant, request),
    rows: rowsBy(request.by, reconciled),
    // Line items of the reconciled days (not those before tracking), as the figures are.
    line_items: [...lineItems.values()]
      .filter((item) => item.nanos !== 0)
      .sort((a, b) => b.nanos - a.nanos)
      .map(({ nanos, ...item }) => ({ ...item, invoiced_usd: usd(nanos) })),
    before_tracking: await beforeTracking(store, request, before, firstTracked),
    tracked_outside_invoice_usd: usd(outsideNanos),
    sync: request.sync,
  }
}

/** The days each provider's invoice covers completely: its synced days, or (no sync record: the demo, an import) the days it has lines for. */
function coverage(sync: InvoiceSyncStatus[], lines: StoredInvoiceLine[]) {
  const synced = new Map<string, [number, number]>()
  for (const status of sync) {
    if (status.synced_from && status.synced_until)
      synced.set(status.provider, [dayOf(Date.parse(status.synced_from)), Date.parse(status.synced_until)])
  }
  const withLines = new Set(lines.map((line) => `${line.provider}\u0000${dayOf(line.bucket_start)}`))
  return (provider: string, day: number) => {
    const range = synced.get(provider)
    if (range) return day >= range[0] && day + DAY_MS <= range[1]
    return withLines.has(`${provider}\u0000${day}`)
  }
}

const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS

/**
 * A cost line's kind: a model's tokens; a line of no model (a line item that names none, or a
 * non-token cost such as Anthropic's web search); or not itemized at all (a report read without
 * grouping by line item: its money cannot be put on a model).
 */
function costKind(line: StoredInvoiceLine): CellKind {
  if (line.model !== null && (line.cost_type === null || line.cost_type === 'tokens')) return 'model'
  if (line.line_item === null && line.model === null) return 'unitemized'
  return 'non_model'
}

function lineItemOf(line: StoredInvoiceLine, model: string | null): InvoiceLineItem {
  return {
    provider: line.provider,
    line_item:
      line.line_item ?? (line.model ? `${line.model}${line.token_type ? `, ${line.token_type}` : ''}` : null),
    model: line.model === null ? null : model,
    project: line.provider_project,
    invoiced_usd: 0,
  }
}

/**
 * Events know the provider's project only where the client does (OpenAI's `project` option; never
 * for Anthropic workspaces). Where a model's tracked cost of a day has no project but the invoice
 * names projects, the project level cannot be matched: that model's cells of the day become one,
 * of no project, rather than counting its tracked cost against no invoice and its invoice as untracked.
 */
function foldUnknownProjects(cells: Iterable<Cell>): Cell[] {
  const folded: Cell[] = []
  const byModel = new Map<string, Cell[]>()
  for (const cell of cells) {
    if (cell.kind !== 'model') {
      folded.push(cell)
      continue
    }
    const key = `${cell.day}\u0000${cell.provider}\u0000${cell.model}`
    byModel.set(key, [...(byModel.get(key) ?? []), cell])
  }
  for (const group of byModel.values()) {
    const unknown = group.find(
      (cell) => cell.project === null && (cell.trackedNanos !== 0 || totalTokens(cell.tracked) > 0),
    )
    if (!unknown || group.length === 1) {
      folded.push(...group)
      continue
    }
    for (const cell of group) {
      if (cell === unknown) continue
      unknown.invoicedNanos += cell.invoicedNanos
      unknown.invoicedByKind =
        unknown.invoicedByKind && cell.invoicedByKind
          ? addKinds(unknown.invoicedByKind, cell.invoicedByKind)
          : null
      unknown.trackedNanos += cell.trackedNanos
      addTokens(unknown.usage, cell.usage)
      addTokens(unknown.tracked, cell.tracked)
      for (const name of cell.snapshots) unknown.snapshots.add(name)
      unknown.hasUsage ||= cell.hasUsage
      unknown.otherUnits ||= cell.otherUnits
      unknown.batch ||= cell.batch
      unknown.serviceTier ??= cell.serviceTier
      unknown.anyName ??= cell.anyName
    }
    folded.push(unknown)
  }
  return folded
}

/** The kinds of token a cost line can price, as the rollups count them. */
type TokenKind = 'uncached_input' | 'cache_read' | 'cache_write' | 'output'
const NO_KINDS: Record<TokenKind, number> = { uncached_input: 0, cache_read: 0, cache_write: 0, output: 0 }

/** What a cost line's token type prices: OpenAI's line item suffix, Anthropic's `token_type`. */
function kindOfCost(tokenType: string | null): TokenKind | null {
  switch (tokenType) {
    case 'input':
    case 'uncached_input_tokens':
      return 'uncached_input'
    case 'cached input':
    case 'cache_read_input_tokens':
      return 'cache_read'
    case 'cache_creation.ephemeral_5m_input_tokens':
    case 'cache_creation.ephemeral_1h_input_tokens':
      return 'cache_write'
    case 'output':
    case 'output_tokens':
      return 'output'
    default:
      return null
  }
}

function addKinds(into: Record<TokenKind, number>, more: Record<TokenKind, number>) {
  for (const kind of Object.keys(NO_KINDS) as TokenKind[]) into[kind] += more[kind]
  return into
}

/** Token counts by kind (audio stays inside input and output: its lines are not itemized apart here). */
function byKind(counts: TokenCounts): Record<TokenKind, number> {
  return {
    uncached_input: counts.input_tokens - counts.cache_read_tokens - counts.cache_write_tokens,
    cache_read: counts.cache_read_tokens,
    cache_write: counts.cache_write_tokens,
    output: counts.output_tokens,
  }
}

/**
 * The untracked part at the invoice's own rate for each kind of token, when the cost lines are
 * itemized by kind (OpenAI's "<model>, input" / "cached input" / "output", Anthropic's token
 * types): exact, whatever the catalog says. Null when a kind has money but no usage, or tracked
 * tokens the provider did not see (no rate to value them at): then the catalog weighs the kinds.
 */
function untrackedAtInvoiceRates(cell: Cell): number | null {
  const invoiced = cell.invoicedByKind
  if (!invoiced) return null
  const usage = byKind(cell.usage)
  const tracked = byKind(cell.tracked)
  let untracked = 0
  for (const kind of Object.keys(NO_KINDS) as TokenKind[]) {
    if (usage[kind] <= 0) {
      if (invoiced[kind] !== 0 || tracked[kind] > 0) return null
      continue
    }
    untracked += ((usage[kind] - tracked[kind]) * invoiced[kind]) / usage[kind]
  }
  return Math.round(untracked)
}

/** A cell's gap in parts that add up to it exactly (integer nano-dollars). */
function split(cell: Cell): Parts {
  const parts: Parts = { ...NO_PARTS, invoiced: cell.invoicedNanos, tracked: cell.trackedNanos }
  const gap = cell.invoicedNanos - cell.trackedNanos
  if (cell.kind === 'non_model') return { ...parts, non_model: gap }
  if (cell.kind === 'unitemized' || !cell.hasUsage || cell.invoicedNanos === 0 || cell.otherUnits)
    return { ...parts, unexplained: gap }
  const exact = untrackedAtInvoiceRates(cell)
  if (exact !== null) return { ...parts, untracked_usage: exact, price_difference: gap - exact }
  const entry = catalogEntry(
    cell.provider,
    cell.anyName ?? cell.model ?? '',
    cell.day,
    cell.batch,
    cell.serviceTier,
  )
  const usageWeight = catalogWeight(entry, cell.usage) ?? totalTokens(cell.usage)
  const trackedWeight = catalogWeight(entry, cell.tracked) ?? totalTokens(cell.tracked)
  if (!(usageWeight > 0)) return { ...parts, unexplained: gap }
  const untracked = Math.round((cell.invoicedNanos * (usageWeight - trackedWeight)) / usageWeight)
  return { ...parts, untracked_usage: untracked, price_difference: gap - untracked }
}

function sumParts(list: Parts[]): Parts {
  const sum = { ...NO_PARTS }
  for (const parts of list) for (const key of Object.keys(sum) as (keyof Parts)[]) sum[key] += parts[key]
  return sum
}

const usd = (nanos: number) => nanos / 1e9

function figures(parts: Parts): ReconcileFigures {
  return {
    invoiced_usd: usd(parts.invoiced),
    tracked_usd: usd(parts.tracked),
    gap_usd: usd(parts.invoiced - parts.tracked),
    coverage: parts.invoiced > 0 ? parts.tracked / parts.invoiced : null,
    untracked_usage_usd: usd(parts.untracked_usage),
    price_difference_usd: usd(parts.price_difference),
    non_model_usd: usd(parts.non_model),
    unexplained_usd: usd(parts.unexplained),
  }
}

function dominantPart(parts: Parts): GapPart | null {
  let best: GapPart | null = null
  for (const part of GAP_PARTS) {
    if (parts[part] !== 0 && (best === null || Math.abs(parts[part]) > Math.abs(parts[best]))) best = part
  }
  return best
}

function rowsBy(by: ReconcileBy, reconciled: [Cell, Parts][]): ReconcileRow[] {
  const groups = new Map<string, { keys: ReconcileRow; parts: Parts[]; snapshots: Set<string> }>()
  for (const [cell, parts] of reconciled) {
    const keys: ReconcileRow =
      by === 'day'
        ? ({ day: new Date(cell.day).toISOString().slice(0, 10) } as ReconcileRow)
        : by === 'model'
          ? ({ provider: cell.provider, model: cell.model } as ReconcileRow)
          : ({ provider: cell.provider, project: cell.project } as ReconcileRow)
    const key = JSON.stringify(keys)
    const group = groups.get(key) ?? { keys, parts: [], snapshots: new Set<string>() }
    group.parts.push(parts)
    for (const name of cell.snapshots) group.snapshots.add(name)
    groups.set(key, group)
  }
  const rows = [...groups.values()].map(({ keys, parts, snapshots }) => {
    const sum = sumParts(parts)
    return {
      row: {
        ...keys,
        ...(by === 'model' ? { snapshots: [...snapshots].sort() } : {}),
        ...figures(sum),
      } as ReconcileRow,
      invoiced: sum.invoiced,
    }
  })
  if (by === 'day')
    return rows.map(({ row }) => row).sort((a, b) => String(a.day).localeCompare(String(b.day)))
  return rows.sort((a, b) => b.invoiced - a.invoiced).map(({ row }) => row)
}

const PART_WORDS: Record<GapPart, string> = {
  untracked_usage: 'usage the provider saw that no event recorded (calls made without the SDK)',
  price_difference:
    'price differences (the same tokens billed at other rates than spendlens priced them: a discount, a tier, a catalog error, or an unpriced model)',
  non_model: 'invoice lines no model call explains (fine-tuning, storage, tool sessions)',
  unexplained: 'money that cannot be split (lines not itemized by model, or a model without a usage report)',
}

const dollars = (nanos: number) =>
  `$${(Math.abs(nanos) / 1e9).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`

/** The reconciliation in words, as the Invoice view's headline and the CLI's last line say it. */
function summarize(parts: Parts, dominant: GapPart | null, request: ReconcileRequest): string {
  const range = `${new Date(request.from).toISOString().slice(0, 10)} to ${new Date(request.to - DAY_MS).toISOString().slice(0, 10)}`
  if (parts.invoiced === 0 && parts.tracked === 0) return `No synced invoice covers ${range}.`
  if (parts.invoiced === 0)
    return `Nothing invoiced from ${range}, though ${dollars(parts.tracked)} was tracked.`
  const share = ((parts.tracked / parts.invoiced) * 100).toFixed(1)
  const head = `spendlens explains ${share}% of the ${dollars(parts.invoiced)} invoiced from ${range}.`
  const gap = parts.invoiced - parts.tracked
  if (gap === 0 || dominant === null) return `${head} There is no gap.`
  const direction =
    gap > 0 ? `The ${dollars(gap)} gap` : `Tracked exceeds invoiced by ${dollars(gap)}; the difference`
  const others = GAP_PARTS.filter((part) => part !== dominant && parts[part] !== 0)
    .sort((a, b) => Math.abs(parts[b]) - Math.abs(parts[a]))
    .map((part) => `${part.replace('_', ' ')} ${parts[part] < 0 ? '−' : ''}${dollars(parts[part])}`)
  return `${head} ${direction} is mostly ${PART_WORDS[dominant]}: ${parts[dominant] < 0 ? '−' : ''}${dollars(parts[dominant])}.${others.length ? ` The rest: ${others.join(', ')}.` : ''}`
}

/** Tracked cost and tokens per UTC day, provider, model (and provider project), from the rollups. */
/**
 * The one query of the tracked side: cost and tokens per UTC day, provider, model and provider
 * project, within `project`, answered by the hourly rollups.
 */
export function trackedQuery(project: string, from: number, to: number): AnalyticsQuery {
  return {
    project,
    from: new Date(from),
    to: new Date(to),
    timeZone: 'UTC',
    bucket: 'day',
    filters: [],
    groupBy: ['provider', 'model', 'provider_project'],
    metrics: [
      'cost_usd',
      'input_tokens',
      'cache_read_tokens',
      'cache_write_tokens',
      'output_tokens',
      'input_audio_tokens',
      'output_audio_tokens',
    ],
  }
}

/** The tracked side, in one query unless it passes the query model's row cap. */
async function trackedRows(store: Store, request: ReconcileRequest): Promise<Record<string, unknown>[]> {
  const query = trackedQuery(request.project, request.from, request.to) as AnalyticsQuery & {
    from: Date
    to: Date
  }
  return (await queryInParts((current) => store.query(current), query, DAY_MS)) as Record<string, unknown>[]
}

/**
 * The first UTC day with a tracked event, as far as the range needs it: when the range's tracked rows
 * start no later than its invoice, no day of it is before tracking, and the events' own first day
 * (a scan of every event of the project: 50 ms at ten million) is not needed.
 */
async function firstTrackedDay(
  store: Store,
  project: string,
  lines: StoredInvoiceLine[],
  tracked: Record<string, unknown>[],
): Promise<number | null> {
  let firstLine = Number.POSITIVE_INFINITY
  for (const line of lines) firstLine = Math.min(firstLine, dayOf(line.bucket_start))
  let firstRow = Number.POSITIVE_INFINITY
  for (const row of tracked) firstRow = Math.min(firstRow, Date.parse(String(row.bucket_start)))
  if (firstRow <= firstLine) return Number.isFinite(firstRow) ? firstRow : null
  const stats = await store.stats(project)
  return stats.first_ts === null ? null : dayOf(Date.parse(stats.first_ts))
}

/** The invoice before the first tracked event, by provider, model and project, and the optional estimate. */
async function beforeTracking(
  store: Store,
  request: ReconcileRequest,
  cells: Cell[],
  firstTracked: number | null,
): Promise<BeforeTracking | null> {
  const groups = new Map<
    string,
    { provider: InvoiceProvider; model: string | null; project: string | null; nanos: number }
  >()
  let total = 0
  for (const cell of cells) {
    if (cell.invoicedNanos === 0) continue
    const key = `${cell.provider}\u0000${cell.model}\u0000${cell.project}`
    const group = groups.get(key) ?? {
      provider: cell.provider as InvoiceProvider,
      model: cell.model,
      project: cell.project,
      nanos: 0,
    }
    group.nanos += cell.invoicedNanos
    total += cell.invoicedNanos
    groups.set(key, group)
  }
  if (groups.size === 0) return null
  const until = firstTracked === null ? request.to : firstTracked
  return {
    until: new Date(until).toISOString().slice(0, 10),
    invoiced_usd: usd(total),
    rows: [...groups.values()]
      .sort((a, b) => b.nanos - a.nanos)
      .map(({ nanos, ...keys }) => ({ ...keys, invoiced_usd: usd(nanos) })),
    estimate:
      request.estimate && firstTracked !== null
        ? await estimate(store, request.project, firstTracked, total)
        : null,
  }
}

/** `total` spread over features and customers by their share of tracked cost in the first weeks. */
async function estimate(store: Store, project: string, firstTracked: number, total: number) {
  const shares = async (dimension: 'feature' | 'customer_id') => {
    const rows = await store.query({
      project,
      from: new Date(firstTracked),
      to: new Date(firstTracked + ESTIMATE_WEEKS * 7 * DAY_MS),
      timeZone: 'UTC',
      filters: [],
      groupBy: [dimension],
      metrics: ['cost_usd'],
      orderBy: { metric: 'cost_usd', direction: 'desc' },
    })
    const sum = rows.reduce((acc, row) => acc + Number(row.cost_usd ?? 0), 0)
    return rows
      .filter((row) => Number(row.cost_usd ?? 0) > 0)
      .map((row) => ({
        value: String(row[dimension]),
        usd: sum > 0 ? usd((total * Number(row.cost_usd)) / sum) : 0,
      }))
  }
  return {
    weeks: ESTIMATE_WEEKS,
    by_feature: (await shares('feature')).map(({ value, usd: amount }) => ({
      feature: value,
      estimated_usd: amount,
    })),
    by_customer: (await shares('customer_id')).map(({ value, usd: amount }) => ({
      customer_id: value,
      estimated_usd: amount,
    })),
  }
}
