import { type Dimension, isDimension } from '../api/api-types.js'
import { isValidTimeZone } from '../query/analytics-query.js'

/** The period a report covers when none is given. */
export const DEFAULT_REPORT_PERIOD = 'last-month'
/** What `--by` (and `by=`) reads when none is given. */
export const DEFAULT_REPORT_BY: Dimension[] = ['feature', 'customer_id']
/** Movers each way per dimension, and anomalies listed, when `--top` is not given. */
export const DEFAULT_REPORT_TOP = 5
/** The most dimensions one report cuts by: each costs two queries. */
const MAX_BY = 5
const MAX_TOP = 100
/** Short names people write for the dimensions they mean (`--by feature,customer`). */
const BY_ALIASES: Record<string, Dimension> = {
  customer: 'customer_id',
  user: 'user_id',
  session: 'session_id',
  prompt: 'prompt_id',
}

/** A report request that cannot be read: the message names the field and what it takes. */
export class ReportRequestError extends Error {
  override name = 'ReportRequestError'
}

/** `feature,customer` as dimensions: each a query-model dimension (or `tags.<key>`), or a short name of one. */
export function parseReportBy(value: string): Dimension[] {
  const names = value.split(',').map((name) => name.trim())
  const dimensions = names.map((name) => {
    const dimension = BY_ALIASES[name] ?? name
    if (!isDimension(dimension))
      throw new ReportRequestError(
        `by: ${JSON.stringify(name)} is not a dimension: use feature, customer (customer_id), model, provider, user (user_id), environment, route, tags.<key>, … (docs/cli.md "report")`,
      )
    return dimension
  })
  if (new Set(dimensions).size !== dimensions.length)
    throw new ReportRequestError(`by: a dimension appears twice in ${JSON.stringify(value)}`)
  if (dimensions.length > MAX_BY) throw new ReportRequestError(`by: at most ${MAX_BY} dimensions`)
  return dimensions
}

/** How many movers each way (and anomalies) to list: 1 to 100. */
export function parseReportTop(value: string): number {
  const top = Number(value)
  if (!/^\s*\d+\s*$/.test(value) || top < 1 || top > MAX_TOP)
    throw new ReportRequestError(`top: expected a whole number from 1 to ${MAX_TOP}`)
  return top
}

/** An IANA time zone the period is cut in. */
export function parseReportTimeZone(value: string): string {
  if (!isValidTimeZone(value))
    throw new ReportRequestError(
      `tz: ${JSON.stringify(value)} is not an IANA time zone such as UTC or Europe/Paris`,
    )
  return value
}
