import { z } from 'zod'
import { type AnalyticsQuery, DIMENSIONS, type Filter, isValidTimeZone } from '../query/analytics-query.js'
import { HttpError } from './http-error.js'

const instant = z
  .union([z.string().regex(/^\d+$/).transform(Number), z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((value, context) => {
    const date = new Date(value)
    if (Number.isNaN(date.getTime())) {
      context.issues.push({ code: 'custom', message: 'not a valid time', input: value })
      return z.NEVER
    }
    return date
  })

const baseParams = z.object({
  from: instant.optional(),
  to: instant.optional(),
  tz: z
    .string()
    .default('UTC')
    .refine(isValidTimeZone, { message: 'must be an IANA time zone such as UTC or Europe/Paris' }),
})

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value)])

/** The time range, time zone and dimension filters every query endpoint shares. */
export function parseScope(
  raw: Record<string, unknown>,
): Pick<AnalyticsQuery, 'from' | 'to' | 'timeZone' | 'filters'> {
  const parsed = baseParams.safeParse(raw)
  if (!parsed.success) {
    throw new HttpError(
      400,
      'bad_request',
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    )
  }
  const { from, to, tz } = parsed.data
  if (from && to && from >= to) throw new HttpError(400, 'bad_request', 'from must be before to')
  const filters: Filter[] = []
  for (const dimension of DIMENSIONS) {
    if (raw[dimension] !== undefined) filters.push({ dimension, values: asList(raw[dimension]) })
  }
  return { from, to, timeZone: tz, filters }
}
