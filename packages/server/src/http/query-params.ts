import { z } from 'zod'
import { type AnalyticsQuery, type Filter, isDimension } from '../api/api-types.js'
import { countValues, QUERY_CAPS, timeZoneSchema, toInstant } from '../query/analytics-query.js'
import { HttpError } from './http-error.js'

const instant = z
  .union([z.string().regex(/^\d+$/).transform(Number), z.iso.datetime({ offset: true }), z.iso.date()])
  .transform(toInstant)

const baseParams = z.object({
  from: instant.optional(),
  to: instant.optional(),
  tz: timeZoneSchema,
})

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value)])

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}

/** Parses a query string with a zod schema, answering 400 with every problem. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  throw new HttpError(400, 'bad_request', describeZodError(parsed.error))
}

/**
 * The scope every GET query endpoint shares: `from`, `to`, `tz`, and filters: `feature=a&feature=b`
 * keeps events whose feature is a or b, `exclude.model=x` drops model x, `tags.team=search` filters
 * on a tag.
 */
/** Parameters any GET query endpoint takes besides filters; an endpoint names its own extras. */
const SCOPE_PARAMETERS = ['from', 'to', 'tz', 'format', 'project']

export function parseScope(
  raw: Record<string, unknown>,
  endpointParameters: readonly string[] = [],
): Pick<AnalyticsQuery, 'from' | 'to' | 'timeZone' | 'filters'> {
  const { from, to, tz } = parseOrThrow(baseParams, raw)
  if (from && to && from >= to) throw new HttpError(400, 'bad_request', 'from must be before to')
  const filters: Filter[] = []
  for (const [key, value] of Object.entries(raw)) {
    const excluded = key.startsWith('exclude.')
    const name = excluded ? key.slice('exclude.'.length) : key
    if (!isDimension(name)) {
      if (excluded) throw new HttpError(400, 'bad_request', `exclude.${name}: not a dimension`)
      if (SCOPE_PARAMETERS.includes(key) || endpointParameters.includes(key)) continue
      // A typo such as `featuer=chat` would otherwise answer unfiltered figures without a word.
      throw new HttpError(
        400,
        'bad_request',
        `unknown parameter ${key}: not a dimension nor an option of this endpoint`,
      )
    }
    const values = asList(value)
    const long = values.find((text) => text.length > QUERY_CAPS.valueLength)
    if (long !== undefined)
      throw new HttpError(
        400,
        'bad_request',
        `${key}: a filter value has at most ${QUERY_CAPS.valueLength} characters`,
      )
    filters.push({ dimension: name, op: excluded ? 'not_in' : 'in', values })
  }
  // The caps of POST /api/query (analytics-query.ts), said in terms of parameters.
  if (filters.length > QUERY_CAPS.filters)
    throw new HttpError(
      400,
      'bad_request',
      `at most ${QUERY_CAPS.filters} filter parameters (dimensions and exclude.*)`,
    )
  if (countValues(filters) > QUERY_CAPS.filterValues)
    throw new HttpError(
      400,
      'bad_request',
      `at most ${QUERY_CAPS.filterValues} filter values in a query, all parameters together`,
    )
  return { from, to, timeZone: tz, filters }
}
