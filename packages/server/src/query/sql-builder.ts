import type { AnalyticsQuery, Dimension, Filter } from '../api/api-types.js'
import { NULLABLE_COLUMNS as NULLABLE } from '../schema/events-table.js'
import { storedProject } from '../schema/projects.js'
import { DIALECTS, type Dialect, type EngineName, type ParamType } from './dialect.js'

/** SQL with its bound parameters, ready for one engine. */
export interface CompiledQuery {
  sql: string
  params: Record<string, string | number>
  /** ClickHouse declares a type with each placeholder; kept here for engines that bind by type. */
  types: Record<string, ParamType>
}

/**
 * The one SQL builder of the query layer, on either engine (dialect.ts): bound parameters, the time
 * range, filters, group matching, buckets and groups. Every query (events, rollups, percentiles,
 * the event log) is written with it, so they all filter and group alike (the rollup tests hold
 * every route to the same rows). Reads `ts` and the dimension columns of whatever relation the
 * caller puts after FROM.
 */

/** A group's column name in results: `tags.x` comes back as `tag_<index>`, as compile-query names it. */
export function columnAlias(dimension: Dimension, index: number): string {
  return dimension.startsWith('tags.') ? `tag_${index}` : dimension
}

export class SqlBuilder {
  readonly dialect: Dialect
  readonly params: Record<string, string | number> = {}
  readonly types: Record<string, ParamType> = {}
  private count = 0

  constructor(readonly engine: EngineName) {
    this.dialect = DIALECTS[engine]
  }

  bind(value: string | number): string {
    const name = `p${this.count++}`
    this.params[name] = value
    this.types[name] = typeof value === 'number' ? 'Int64' : 'String'
    return this.dialect.placeholder(name, this.types[name])
  }

  /** A dimension's expression: its column, or a tag looked up in `tags`. */
  dimension(dimension: Dimension): string {
    if (dimension.startsWith('tags.'))
      return this.dialect.tag(this.bind(this.dialect.tagKey(dimension.slice(5))))
    return dimension
  }

  where(query: Pick<AnalyticsQuery, 'from' | 'to' | 'filters' | 'project'>, extra: string[] = []): string {
    const conditions: string[] = []
    if (query.project !== undefined) conditions.push(`project = ${this.bind(storedProject(query.project))}`)
    if (query.from) conditions.push(this.dialect.timeAtLeast(this.bind(query.from.getTime())))
    if (query.to) conditions.push(this.dialect.timeBefore(this.bind(query.to.getTime())))
    for (const filter of query.filters) conditions.push(this.filter(filter))
    conditions.push(...extra)
    return conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''
  }

  filter(filter: Filter): string {
    const column = this.dimension(filter.dimension)
    const values = filter.values.map((value) => this.bind(value)).join(', ')
    if (filter.op !== 'not_in') return `${column} IN (${values})`
    // `NULL NOT IN (…)` is NULL, not true: an event without a service tier is not any of them.
    return NULLABLE.has(filter.dimension)
      ? `(${column} IS NULL OR ${column} NOT IN (${values}))`
      : `${column} NOT IN (${values})`
  }

  /** True exactly when `dimension` has `value`, never NULL (so NOT of it holds for a null group). */
  matches(dimension: Dimension, value: unknown): string {
    const column = this.dimension(dimension)
    if (value === null || value === undefined) return `${column} IS NULL`
    const equal = `${column} = ${this.bind(String(value))}`
    return NULLABLE.has(dimension) ? `(${column} IS NOT NULL AND ${equal})` : equal
  }

  /** NOT (any of the groups of `rows`), for an "everything else" row. */
  excluding(groupBy: Dimension[], rows: readonly Record<string, unknown>[]): string[] {
    if (rows.length === 0) return []
    const groups = rows.map(
      (row) => `(${groupBy.map((dimension) => this.matches(dimension, row[dimension])).join(' AND ')})`,
    )
    return [`NOT (${groups.join(' OR ')})`]
  }

  /** The select items and group keys of the query's bucket (if any) and groups. */
  groups(query: AnalyticsQuery): { select: string[]; keys: string[] } {
    const select: string[] = []
    const keys: string[] = []
    if (query.bucket) {
      const tz = this.bind(query.timeZone)
      select.push(
        `${this.dialect.bucketStartMs(query.bucket, tz)} AS bucket_start_ms`,
        `${this.dialect.bucketLabel(query.bucket, tz)} AS bucket_label`,
      )
      keys.push('bucket_start_ms', 'bucket_label')
    }
    query.groupBy.forEach((dimension, index) => {
      const alias = columnAlias(dimension, index)
      select.push(`${this.dimension(dimension)} AS ${alias}`)
      keys.push(alias)
    })
    return { select, keys }
  }

  done(sql: string): CompiledQuery {
    return { sql: `${sql}${this.dialect.settings}`, params: this.params, types: this.types }
  }
}
