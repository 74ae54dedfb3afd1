import { z } from 'zod'
import {
  type AnalyticsQuery,
  BUCKETS,
  DIMENSIONS,
  type Dimension,
  FILTER_OPS,
  type Filter,
  isDimension,
  METRICS,
  PRICING_STATUSES,
} from '../api/api-types.js'

/**
 * The one question every view, alert and report asks of the cost events, as the server validates
 * it. Its lists and types are the API's (api/api-types.ts); it compiles to each store's SQL
 * (compile-query.ts): columns only ever come from those lists, values only travel as bound parameters.
 */

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

/** A time as sent (ISO 8601, a date, or epoch milliseconds) as a Date: for zod's `transform`. */
export function toInstant(value: string | number, context: z.RefinementCtx): Date {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) {
    context.issues.push({ code: 'custom', message: 'not a valid time', input: value })
    return z.NEVER
  }
  return date
}

/** An IANA time zone, UTC when absent. */
export const timeZoneSchema = z
  .string()
  .default('UTC')
  .refine(isValidTimeZone, { message: 'must be an IANA time zone such as UTC or Europe/Paris' })

/**
 * What one query may ask for: well above what the dashboard sends (a few filters of a few values,
 * at most three groups, 10,000 rows for its longest series), well below what hurts the server
 * (every value is a bound parameter, every group a column, every row an object in memory).
 * The GET endpoints' query strings (http/query-params.ts) are held to the same caps.
 */
export const QUERY_CAPS = {
  /** Filters in one query. */
  filters: 50,
  /** Filter values in one query, all filters together (and so in any one filter). */
  filterValues: 1000,
  /** Characters in one filter value. */
  valueLength: 500,
  /** Group-by dimensions. */
  groupBy: 3,
  /** Rows of one answer: the most `limit` may ask for, and the most a query without a limit may answer. */
  rows: 10_000,
} as const

/** A time in a JSON body: ISO 8601 with an offset, or epoch milliseconds. */
export const instantSchema = z
  .union([z.iso.datetime({ offset: true }), z.int().positive()])
  .transform(toInstant)

const dimension = z
  .string()
  .max(100)
  .refine(isDimension, {
    message: `must be one of ${DIMENSIONS.join(', ')} or tags.<key> (key: letters, digits, _ . : -)`,
  }) as unknown as z.ZodType<Dimension>

/** How many values a query's filters hold, all together. */
export function countValues(filters: readonly { values: readonly unknown[] }[]): number {
  return filters.reduce((total, filter) => total + filter.values.length, 0)
}

/** One filter of the query model: `eq` one value, `in` any of them, `not_in` none of them. */
export const filterSchema = z
  .object({
    dimension,
    op: z.enum(FILTER_OPS),
    values: z
      .array(
        z.string().max(QUERY_CAPS.valueLength, {
          error: `a filter value has at most ${QUERY_CAPS.valueLength} characters`,
        }),
      )
      .min(1, { error: 'a filter needs at least one value' })
      .max(QUERY_CAPS.filterValues, {
        error: `at most ${QUERY_CAPS.filterValues} filter values in a query`,
      }),
  })
  .refine((filter) => filter.op !== 'eq' || filter.values.length === 1, {
    message: 'eq takes exactly one value',
    path: ['values'],
  })
  // A closed list: a misspelt status would match nothing, silently.
  .refine(
    (filter) =>
      filter.dimension !== 'pricing_status' ||
      filter.values.every((value) => (PRICING_STATUSES as readonly string[]).includes(value)),
    { message: `a pricing_status is one of ${PRICING_STATUSES.join(', ')}`, path: ['values'] },
  ) satisfies z.ZodType<Filter, unknown>

/**
 * A query's filters, held to the query caps: the scope of a query, and of anything defined by one
 * (a budget's scope is the same list).
 */
export const filtersSchema = z
  .array(filterSchema)
  .max(QUERY_CAPS.filters, { error: `at most ${QUERY_CAPS.filters} filters in a query` })
  .default([])
  .refine((filters) => countValues(filters) <= QUERY_CAPS.filterValues, {
    error: `at most ${QUERY_CAPS.filterValues} filter values in a query, all filters together`,
  })

/**
 * AnalyticsQuery as JSON (POST /api/query): times as ISO 8601 or epoch milliseconds. Every
 * problem is reported with its path, e.g. `groupBy.1: must be one of …`.
 */
export const analyticsQuerySchema = z
  .object({
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    timeZone: timeZoneSchema,
    filters: filtersSchema,
    groupBy: z
      .array(dimension)
      .max(QUERY_CAPS.groupBy, { error: `at most ${QUERY_CAPS.groupBy} group-by dimensions` })
      .default([]),
    bucket: z.enum(BUCKETS).optional(),
    // Each metric once: a body repeating one name thousands of times would compile to as many columns.
    metrics: z
      .array(z.enum(METRICS))
      .min(1)
      .max(METRICS.length)
      .refine((metrics) => new Set(metrics).size === metrics.length, { message: 'a metric appears twice' }),
    orderBy: z
      .object({ metric: z.enum(METRICS), direction: z.enum(['asc', 'desc']).default('desc') })
      .optional(),
    limit: z
      .int()
      .min(1, { error: 'limit is at least 1' })
      .max(QUERY_CAPS.rows, { error: `limit is at most ${QUERY_CAPS.rows}` })
      .optional(),
    others: z.boolean().optional(),
  })
  .strict()
  .refine((query) => !query.from || !query.to || query.from < query.to, {
    message: 'from must be before to',
    path: ['from'],
  })
  .refine((query) => new Set(query.groupBy).size === query.groupBy.length, {
    message: 'a dimension appears twice',
    path: ['groupBy'],
  })
  .refine((query) => !query.others || (query.limit !== undefined && query.groupBy.length > 0), {
    message: 'others needs limit and groupBy',
    path: ['others'],
  }) satisfies z.ZodType<AnalyticsQuery, unknown>
