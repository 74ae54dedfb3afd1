import type { AnalyticsQuery, BaseDimension, Metric, QueryRow } from '../api/api-types.js'
import { QUERY_CAPS } from './analytics-query.js'
import { compileOthers, compileQuery, readRow } from './compile-query.js'
import type { EngineName } from './dialect.js'
import { type Execute, runAnalyticsQuery, TooManyRowsError } from './run-query.js'
import type { CompiledQuery } from './sql-builder.js'
import { type QueryOptions, TimeLimit } from './time-limit.js'
import { tracing } from './trace-execute.js'

/**
 * Rollup or raw: which table answers an AnalyticsQuery.
 *
 * A rollup holds, per UTC hour and combination of its dimensions, only additive figures (counts and
 * sums), so a query can read it instead of the events when nothing it asks needs more: every filter
 * and group is a rollup dimension, buckets are whole hours or coarser in a time zone whose offsets
 * are whole hours over the range, and the range starts and ends on a whole hour. The sums then come
 * from the rollup; percentiles, which no sum gives, come from the engine's percentile source (on
 * both engines, latency histograms kept the same way: latency-sketch.ts) or from the events.
 *
 * An engine passes what it keeps (both keep the rollups of rollup-tables.ts). Without a rollup every
 * query runs raw, as compile-query.ts writes it.
 */
export interface RollupDefinition {
  dimensions: readonly (BaseDimension | 'project')[]
  /** Metrics computed from the rollup's sums. */
  metrics: ReadonlySet<Metric>
  /** The rollup's SQL for a query the planner accepted (same columns and order as the raw SQL). */
  compile(query: AnalyticsQuery): CompiledQuery
  /** The "everything else" row over the rollup, excluding the groups of `top`. */
  compileOthers(query: AnalyticsQuery, top: QueryRow[]): CompiledQuery
  /** The first and last hour the rollup may hold (conservative), for the time-zone check of an open range. */
  span(): { from: Date; to: Date } | undefined
}

/** Where an engine's percentile metrics come from when it does not compute them in the raw SQL. */
export interface PercentileDefinition {
  /** Dimensions its histograms keep (like a rollup's: a query within them can use the histograms). */
  dimensions: readonly (BaseDimension | 'project')[]
  metrics: ReadonlySet<Metric>
  /** The percentile metrics of every group of `query` (no order, limit or others), by groupKey. */
  byGroup(query: AnalyticsQuery, fromHistograms: boolean): Promise<Map<string, QueryRow>>
  /** The percentile metrics of the "everything else" row: every group but those of `top`. */
  others(query: AnalyticsQuery, top: QueryRow[], fromHistograms: boolean): Promise<QueryRow>
}

export interface Capabilities {
  rollup?: RollupDefinition
  percentiles?: PercentileDefinition
}

export interface QueryPlan {
  /** Where sums, counts and rates come from, and why not from the rollup. */
  sums: { from: 'rollup' } | { from: 'events'; reason: string }
  /** Where percentiles come from, when asked and the engine has a percentile source. */
  percentiles?: { from: 'histograms' } | { from: 'events'; reason: string }
}

const HOUR_MS = 3_600_000

/**
 * Why a query cannot read hourly tables kept by `dimensions`; undefined when it can. A range edge
 * inside an hour is an obstacle only for tables that cannot take the partial hour's events beside
 * them (`raggedEdges` false: the latency histograms); the sums can (compile-rollup.ts, sumsSource).
 */
function hourlyObstacle(
  query: AnalyticsQuery,
  dimensions: readonly (BaseDimension | 'project')[],
  span: RollupDefinition['span'],
  raggedEdges: boolean,
): string | undefined {
  const kept = new Set<string>(dimensions)
  const foreign =
    query.groupBy.find((dimension) => !kept.has(dimension)) ??
    query.filters.map((filter) => filter.dimension).find((dimension) => !kept.has(dimension))
  if (foreign !== undefined) return `the rollup does not keep ${foreign}`
  if (query.bucket === 'minute') return 'minute buckets are finer than the rollup'
  for (const edge of raggedEdges ? [] : [query.from, query.to]) {
    if (edge && edge.getTime() % HOUR_MS !== 0) return `${edge.toISOString()} is not on a whole hour`
  }
  if (query.bucket) {
    const bounds = span()
    const from = query.from ?? bounds?.from
    const to = query.to ?? bounds?.to
    if (from && to && !hasWholeHourOffsets(query.timeZone, from, to))
      return `${query.timeZone} is not a whole number of hours from UTC over the range`
  }
  return undefined
}

/** Decides where a query runs, with the reason when it is not the rollup (for tests, benchmarks, logs). */
export function planQuery(
  query: AnalyticsQuery,
  capabilities: Capabilities,
  options: { events?: boolean } = {},
): QueryPlan {
  const { rollup, percentiles } = capabilities
  const span: RollupDefinition['span'] = rollup?.span ?? (() => undefined)
  const asked = percentiles ? query.metrics.filter((metric) => percentiles.metrics.has(metric)) : []
  const sumsObstacle = options.events
    ? 'the events were asked for'
    : !rollup
      ? 'this engine keeps no rollup'
      : (hourlyObstacle(query, rollup.dimensions, span, true) ??
        query.metrics
          .filter((metric) => !rollup.metrics.has(metric) && !asked.includes(metric))
          .map((metric) => `${metric} needs the events`)[0])
  const plan: QueryPlan = {
    sums: sumsObstacle ? { from: 'events', reason: sumsObstacle } : { from: 'rollup' },
  }
  if (percentiles && asked.length > 0) {
    const obstacle = options.events
      ? 'the events were asked for'
      : hourlyObstacle(query, percentiles.dimensions, span, false)
    plan.percentiles = obstacle ? { from: 'events', reason: obstacle } : { from: 'histograms' }
  }
  return plan
}

/** What a store answers through the planner (store.ts: Store and QueryInsight). */
export interface PlannedQueries {
  /**
   * Runs an AnalyticsQuery; with `others`, the last row (`others: true`) aggregates the rest.
   * Past `options.timeoutMs` the engine's work stops and it fails with QueryTimeoutError
   * (time-limit.ts); without a limit, an answer of more than QUERY_CAPS.rows rows fails with
   * TooManyRowsError.
   */
  query(query: AnalyticsQuery, options?: QueryOptions): Promise<QueryRow[]>
  /** Where `query` would run, and why. */
  plan(query: AnalyticsQuery): QueryPlan
  /** The same query on the events table, never a rollup (percentiles by the same definition). */
  queryEvents(query: AnalyticsQuery): Promise<QueryRow[]>
  /**
   * Runs `query` as `query` does, and also answers the SQL statements it ran in stages: a stage's
   * statements ran side by side, each stage after the previous one answered (trace-execute.ts).
   */
  trace(query: AnalyticsQuery): Promise<{ rows: QueryRow[]; stages: CompiledQuery[][] }>
}

/**
 * A store's query, plan, queryEvents and trace, all through the planner with what the engine keeps
 * (`capabilities` is called with the Execute to use, so a trace sees every statement). `executor`
 * gives the engine's Execute held to a time limit, or to none.
 */
export function plannedQueries(
  engine: EngineName,
  executor: (limit: TimeLimit | undefined) => Execute,
  capabilities: (execute: Execute) => Capabilities,
): PlannedQueries {
  const execute = executor(undefined)
  return {
    query(query, options) {
      const limited = executor(TimeLimit.of(options))
      return runPlannedQuery(engine, limited, capabilities(limited), query)
    },
    plan: (query) => planQuery(query, capabilities(execute)),
    queryEvents: (query) => runPlannedQuery(engine, execute, capabilities(execute), query, { events: true }),
    async trace(query) {
      const traced = tracing(execute)
      const rows = await runPlannedQuery(engine, traced.execute, capabilities(traced.execute), query)
      return { rows, stages: traced.stages }
    },
  }
}

/**
 * Runs an AnalyticsQuery where the plan says. Every route gives the same rows (rollup.test.ts):
 * money to the nano-dollar, counts exactly, percentiles by the engine's one definition.
 */
export async function runPlannedQuery(
  engine: EngineName,
  execute: Execute,
  capabilities: Capabilities,
  query: AnalyticsQuery,
  options: { events?: boolean } = {},
): Promise<QueryRow[]> {
  if (query.limit !== undefined) return runPlan(engine, execute, capabilities, query, options)
  // Without a limit, one row past the cap is enough to know the answer is too long to send.
  const rows = await runPlan(engine, execute, capabilities, { ...query, limit: QUERY_CAPS.rows + 1 }, options)
  if (rows.length > QUERY_CAPS.rows) throw new TooManyRowsError(QUERY_CAPS.rows)
  return rows
}

async function runPlan(
  engine: EngineName,
  execute: Execute,
  capabilities: Capabilities,
  query: AnalyticsQuery,
  options: { events?: boolean },
): Promise<QueryRow[]> {
  const plan = planQuery(query, capabilities, options)
  const { rollup, percentiles } = capabilities
  const fromRollup = plan.sums.from === 'rollup' && rollup !== undefined
  if (!plan.percentiles || !percentiles) {
    if (!fromRollup) return runAnalyticsQuery(engine, execute, query)
    return runSplit(engine, execute, query, rollup, undefined, false)
  }
  return runSplit(
    engine,
    execute,
    query,
    fromRollup ? rollup : undefined,
    percentiles,
    plan.percentiles.from === 'histograms',
  )
}

/** Sums from the rollup (or the events), percentiles from the percentile source (or the raw SQL). */
async function runSplit(
  engine: EngineName,
  execute: Execute,
  query: AnalyticsQuery,
  rollup: RollupDefinition | undefined,
  percentiles: PercentileDefinition | undefined,
  fromHistograms: boolean,
): Promise<QueryRow[]> {
  const isPercentile = (metric: Metric) =>
    percentiles ? percentiles.metrics.has(metric) : rollup ? !rollup.metrics.has(metric) : false
  const percentileMetrics = query.metrics.filter(isPercentile)
  const sumMetrics = query.metrics.filter((metric) => !isPercentile(metric))
  const orderedByPercentile = query.orderBy !== undefined && isPercentile(query.orderBy.metric)
  // With no sum asked, the groups still come from the sums' side (requests, dropped at the end).
  const sumsQuery: AnalyticsQuery = {
    ...query,
    metrics: sumMetrics.length > 0 ? sumMetrics : ['requests'],
    ...(orderedByPercentile ? { orderBy: undefined, limit: undefined, others: false } : {}),
  }
  const percentileQuery: AnalyticsQuery = {
    ...query,
    metrics: percentileMetrics,
    orderBy: undefined,
    limit: undefined,
    others: false,
  }
  const sums = (compiled: CompiledQuery, shape: AnalyticsQuery) =>
    execute(compiled).then((rows) => rows.map((raw) => readRow(raw, shape)))
  // Independent, so they run side by side (DuckDB answers each on its own connection).
  const [summed, byGroup] = await Promise.all([
    sums(rollup ? rollup.compile(sumsQuery) : compileQuery(engine, sumsQuery), sumsQuery),
    percentileMetrics.length === 0
      ? Promise.resolve(new Map<string, QueryRow>())
      : percentiles
        ? percentiles.byGroup(percentileQuery, fromHistograms)
        : sums(compileQuery(engine, percentileQuery), percentileQuery).then(
            (rows) => new Map(rows.map((row) => [groupKey(row, query), row])),
          ),
  ])
  let rows = summed.map((row) => combine(row, byGroup.get(groupKey(row, query)), query))
  if (orderedByPercentile) {
    rows.sort(rowOrder(query))
    if (query.limit !== undefined) rows = rows.slice(0, query.limit)
  }

  if (!query.others || query.limit === undefined || rows.length < query.limit) return rows
  const othersSums: AnalyticsQuery = { ...query, metrics: sumsQuery.metrics }
  const [othersSummed, othersPercentiles] = await Promise.all([
    sums(
      rollup ? rollup.compileOthers(othersSums, rows) : compileOthers(engine, othersSums, rows),
      othersSums,
    ),
    percentileMetrics.length === 0
      ? Promise.resolve(undefined)
      : percentiles
        ? percentiles.others(percentileQuery, rows, fromHistograms)
        : sums(compileOthers(engine, percentileQuery, rows), percentileQuery).then((found) => found[0]),
  ])
  const summedRow = othersSummed[0]
  if (!summedRow) return rows
  const others = combine(summedRow, othersPercentiles, query)
  // As runAnalyticsQuery: an "others" row of no events is left out (when requests is asked).
  if (others.requests === 0) return rows
  return [...rows, { ...others, others: true }]
}

/** A row's identity: its bucket and group values. */
export function groupKey(row: QueryRow, query: Pick<AnalyticsQuery, 'groupBy'>): string {
  return JSON.stringify([
    row.bucket_start ?? null,
    ...query.groupBy.map((dimension) => row[dimension] ?? null),
  ])
}

/** One row in the raw path's key order: bucket, label, groups, then the metrics as asked. */
function combine(summed: QueryRow, percentiles: QueryRow | undefined, query: AnalyticsQuery): QueryRow {
  const row: QueryRow = {}
  if (query.bucket) {
    row.bucket_start = summed.bucket_start
    row.bucket_label = summed.bucket_label
  }
  for (const dimension of query.groupBy) row[dimension] = summed[dimension]
  for (const metric of query.metrics)
    row[metric] = metric in summed ? summed[metric] : (percentiles?.[metric] ?? null)
  return row
}

/** Code point order, which is DuckDB's for VARCHAR (UTF-8 bytes) and not JavaScript's `<` (UTF-16 units). */
function compareText(left: string, right: string): number {
  const a = [...left]
  const b = [...right]
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const difference = ((a[index] as string).codePointAt(0) ?? 0) - ((b[index] as string).codePointAt(0) ?? 0)
    if (difference !== 0) return difference
  }
  return a.length - b.length
}

/** The raw SQL's ORDER BY in JavaScript: the metric (NULLS LAST), then bucket, then groups (NULLS LAST). */
function rowOrder(query: AnalyticsQuery): (left: QueryRow, right: QueryRow) => number {
  const orderBy = query.orderBy
  return (left, right) => {
    if (orderBy) {
      const a = left[orderBy.metric]
      const b = right[orderBy.metric]
      if (a === null || a === undefined) {
        if (b !== null && b !== undefined) return 1
      } else if (b === null || b === undefined) return -1
      else if (a !== b)
        return (orderBy.direction === 'asc' ? 1 : -1) * ((a as number) < (b as number) ? -1 : 1)
    }
    if (left.bucket_start !== right.bucket_start)
      return String(left.bucket_start) < String(right.bucket_start) ? -1 : 1
    for (const dimension of query.groupBy) {
      const a = left[dimension]
      const b = right[dimension]
      if (a === b) continue
      if (a === null || a === undefined) return 1
      if (b === null || b === undefined) return -1
      const difference = compareText(String(a), String(b))
      if (difference !== 0) return difference
    }
    return 0
  }
}

const wholeHourZones = new Map<string, boolean>()
const CHECK_FROM = Date.UTC(1970, 0, 1)
const CHECK_TO = Date.UTC(2100, 0, 1)
const WEEK_MS = 7 * 86_400_000

/**
 * True when `timeZone` is a whole number of hours from UTC at every instant in [from, to), so its
 * local hours (and days, weeks, months) start on UTC hours. Checked weekly from 1970 to 2100 once
 * per zone: offsets change at most a few times a year and never for less than a week at a time.
 * Ranges outside those years are refused (before 1970 the engines' bucket arithmetic on negative
 * epochs differs from the rollup's, even in UTC).
 */
export function hasWholeHourOffsets(timeZone: string, from: Date, to: Date): boolean {
  if (from.getTime() < CHECK_FROM || to.getTime() > CHECK_TO) return false
  if (timeZone === 'UTC') return true
  let whole = wholeHourZones.get(timeZone)
  if (whole === undefined) {
    const format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    whole = true
    for (let instant = CHECK_FROM; instant < CHECK_TO && whole; instant += WEEK_MS) {
      const name = format.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? ''
      // "GMT", "GMT+01:00", "GMT-09:30"
      whole = name === 'GMT' || /^GMT[+-]\d{2}:00$/.test(name)
    }
    wholeHourZones.set(timeZone, whole)
  }
  return whole
}
