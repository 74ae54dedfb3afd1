import type { AnalyticsQuery, QueryRow } from '../api/api-types.js'
import { readRow } from './compile-query.js'
import { asEventsTime } from './compile-rollup.js'
import { DIALECTS, type EngineName } from './dialect.js'
import {
  EXACT_UP_TO,
  estimateQuantile,
  type Histogram,
  histogramCount,
  LATENCY_DIMENSIONS,
  PERCENTILE_LEVELS,
  PERCENTILE_METRICS,
} from './latency-sketch.js'
import { groupKey, type PercentileDefinition } from './query-planner.js'
import { LATENCY_TABLE } from './rollup-tables.js'
import type { Execute } from './run-query.js'
import { SqlBuilder } from './sql-builder.js'

/** Groups restricted by name in one statement at most; past that the statement covers them all. */
const MAX_NAMED_GROUPS = 500

interface Group {
  row: QueryRow
  histogram: Histogram
}

/**
 * Percentile metrics as latency-sketch.ts defines them, on either engine: exact for small groups,
 * from the latency histograms for large ones, read from `latency_hourly` when the planner allows
 * it and from the events (by their stored `latency_bucket`) otherwise.
 */
export function latencyPercentiles(engine: EngineName, execute: Execute): PercentileDefinition {
  const dialect = DIALECTS[engine]
  /** The group's columns (bucket, dimensions) of a query, without metrics. */
  const groupsOnly = (query: AnalyticsQuery): AnalyticsQuery => ({ ...query, metrics: [] })

  /** Each group's histogram, from the rollup or the events, with `extra` conditions. */
  async function histograms(
    query: AnalyticsQuery,
    fromRollup: boolean,
    extra: (sql: SqlBuilder) => string[],
  ): Promise<Map<string, Group>> {
    const sql = new SqlBuilder(engine)
    const { select, keys } = sql.groups(query)
    const source = fromRollup ? asEventsTime(engine, LATENCY_TABLE.name) : dialect.table
    const bucket = fromRollup ? 'bucket' : 'latency_bucket'
    const count = fromRollup ? 'sum(requests)' : 'count(*)'
    const conditions = fromRollup ? extra(sql) : ['latency_ms IS NOT NULL', ...extra(sql)]
    // Ordered by group, so a group's columns are read once, at its first row (a histogram has
    // hundreds of rows per group).
    const text =
      `SELECT ${[...select, `${bucket} AS latency_bucket`, `${count} AS latency_count`].join(', ')} ` +
      `FROM ${source}${sql.where(query, conditions)} GROUP BY ${[...keys, 'latency_bucket'].join(', ')}` +
      (fromRollup ? ` HAVING ${count} <> 0` : '') +
      (keys.length > 0 ? ` ORDER BY ${keys.join(', ')}` : '')
    const groupQuery = groupsOnly(query)
    const groups = new Map<string, Group>()
    let previous: Record<string, unknown> | undefined
    let group: Group | undefined
    for (const raw of await execute(sql.done(text))) {
      if (!group || keys.some((key) => raw[key] !== previous?.[key])) {
        const columns = readRow(Object.fromEntries(keys.map((key) => [key, raw[key]])), groupQuery)
        const key = groupKey(columns, query)
        group = groups.get(key)
        if (!group) {
          group = { row: columns, histogram: new Map() }
          groups.set(key, group)
        }
      }
      previous = raw
      group.histogram.set(Number(raw.latency_bucket), Number(raw.latency_count))
    }
    return groups
  }

  /** Each group's latency count and exact percentiles, from the events, with `extra` conditions. */
  async function exact(
    query: AnalyticsQuery,
    extra: (sql: SqlBuilder) => string[],
  ): Promise<Map<string, QueryRow>> {
    const sql = new SqlBuilder(engine)
    const { select, keys } = sql.groups(query)
    for (const metric of query.metrics)
      select.push(`${dialect.quantile(PERCENTILE_LEVELS[metric] as number, 'latency_ms')} AS ${metric}`)
    select.push('count(latency_ms) AS latency_count')
    let text = `SELECT ${select.join(', ')} FROM ${dialect.table}${sql.where(query, extra(sql))}`
    if (keys.length > 0) text += ` GROUP BY ${keys.join(', ')}`
    const rows = new Map<string, QueryRow>()
    for (const raw of await execute(sql.done(text))) {
      const row = readRow(raw, query)
      rows.set(groupKey(row, query), row)
    }
    return rows
  }

  /** Conditions selecting exactly the listed groups (bucket and dimensions), or none when too many. */
  const onlyGroups =
    (query: AnalyticsQuery, rows: QueryRow[]) =>
    (sql: SqlBuilder): string[] => {
      if (rows.length === 0 || rows.length > MAX_NAMED_GROUPS) return []
      const tz = query.bucket ? sql.bind(query.timeZone) : ''
      const groups = rows.map((row) => {
        const parts = query.groupBy.map((dimension) => sql.matches(dimension, row[dimension]))
        if (query.bucket)
          parts.push(
            `${dialect.bucketStartMs(query.bucket, tz)} = ${sql.bind(Date.parse(String(row.bucket_start)))}`,
          )
        return parts.length > 0 ? `(${parts.join(' AND ')})` : 'true'
      })
      return [`(${groups.join(' OR ')})`]
    }

  const estimates = (query: AnalyticsQuery, histogram: Histogram): QueryRow =>
    Object.fromEntries(
      query.metrics.map((metric) => [
        metric,
        estimateQuantile(histogram, PERCENTILE_LEVELS[metric] as number),
      ]),
    )

  const only = (query: AnalyticsQuery, row: QueryRow | undefined): QueryRow =>
    Object.fromEntries(query.metrics.map((metric) => [metric, row?.[metric] ?? null]))

  return {
    dimensions: LATENCY_DIMENSIONS,
    metrics: PERCENTILE_METRICS,

    async byGroup(query, fromHistogram) {
      const result = new Map<string, QueryRow>()
      if (fromHistogram) {
        const groups = await histograms(query, true, () => [])
        const small = [...groups.values()].filter((group) => histogramCount(group.histogram) <= EXACT_UP_TO)
        const exactRows =
          small.length > 0
            ? await exact(
                query,
                onlyGroups(
                  query,
                  small.map((group) => group.row),
                ),
              )
            : new Map()
        for (const [key, group] of groups) {
          const small = histogramCount(group.histogram) <= EXACT_UP_TO
          result.set(key, small ? only(query, exactRows.get(key)) : estimates(query, group.histogram))
        }
        return result
      }
      const exactRows = await exact(query, () => [])
      const large = [...exactRows.values()].filter((row) => Number(row.latency_count) > EXACT_UP_TO)
      const groups =
        large.length > 0 ? await histograms(query, false, onlyGroups(query, large)) : new Map<string, Group>()
      for (const [key, row] of exactRows) {
        const group = groups.get(key)
        result.set(
          key,
          Number(row.latency_count) > EXACT_UP_TO && group
            ? estimates(query, group.histogram)
            : only(query, row),
        )
      }
      return result
    },

    async others(query, top, fromHistogram) {
      // As compileOthers: one row over every group not in `top`, whatever the bucket.
      const rest: AnalyticsQuery = { ...query, groupBy: [], bucket: undefined }
      const excluding = (sql: SqlBuilder) => sql.excluding(query.groupBy, top)
      if (fromHistogram) {
        const histogram = [...(await histograms(rest, true, excluding)).values()][0]?.histogram ?? new Map()
        if (histogramCount(histogram) > EXACT_UP_TO) return estimates(query, histogram)
        return only(query, [...(await exact(rest, excluding)).values()][0])
      }
      const row = [...(await exact(rest, excluding)).values()][0]
      if (Number(row?.latency_count ?? 0) <= EXACT_UP_TO) return only(query, row)
      const histogram = [...(await histograms(rest, false, excluding)).values()][0]?.histogram ?? new Map()
      return estimates(query, histogram)
    },
  }
}
