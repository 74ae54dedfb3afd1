import { ATTRIBUTION_FIELDS, type CostEvent } from 'spendlens'
import { z } from 'zod'

const count = z.number().int().nonnegative().nullable().default(null)
const text = (max: number) => z.string().min(1).max(max)
const optionalText = (max: number) => z.string().max(max).nullable().default(null)

/** `ts` as ISO 8601 with an offset (normalized to UTC) or epoch milliseconds. */
const timestamp = z
  .union([z.iso.datetime({ offset: true }), z.number().int().positive()], {
    error: 'expected an ISO 8601 timestamp with a time zone offset, or epoch milliseconds',
  })
  .transform((value, context) => {
    const date = new Date(value)
    if (Number.isNaN(date.getTime())) {
      context.issues.push({ code: 'custom', message: 'not a valid time', input: value })
      return z.NEVER
    }
    return date.toISOString()
  })

const attribution = Object.fromEntries(ATTRIBUTION_FIELDS.map((name) => [name, optionalText(500)])) as Record<
  (typeof ATTRIBUTION_FIELDS)[number],
  ReturnType<typeof optionalText>
>

/**
 * The largest cost one call may report. Beyond it the figure is a unit mistake, and the store keeps
 * cost as 64-bit nano-dollars: a bigger value would fail the whole batch it arrived in.
 */
export const MAX_COST_USD = 1_000_000

/**
 * The one ingest validator for CostEvent v1. Unknown keys are dropped, so nothing beyond the
 * contract (a prompt or a completion sent by mistake) is ever stored. Defaults make the minimal
 * event `{ event_id, ts, provider, operation, model }` valid; the server prices it if it has no cost.
 */
export const costEventSchema = z.object({
  schema_version: z.literal(1).default(1),
  event_id: text(200),
  ts: timestamp,
  latency_ms: z.number().nonnegative().nullable().default(null),
  ttft_ms: z.number().nonnegative().nullable().default(null),
  provider: text(100),
  operation: text(100),
  model: text(300),
  requested_model: optionalText(300),
  provider_request_id: optionalText(300),
  ...attribution,
  tags: z.record(z.string().min(1).max(200), z.string().max(2000)).default({}),
  input_tokens: count,
  cache_read_tokens: count,
  cache_write_tokens: count,
  cache_write_1h_tokens: count,
  output_tokens: count,
  reasoning_tokens: count,
  input_audio_tokens: count,
  output_audio_tokens: count,
  input_image_tokens: count,
  input_characters: count,
  images: count,
  audio_seconds: z.number().nonnegative().nullable().default(null),
  web_search_requests: count,
  service_tier: optionalText(50),
  batch: z.boolean().default(false),
  cost_usd: z.number().nonnegative().max(MAX_COST_USD).nullable().default(null),
  cost_partial: z.boolean().default(false),
  pricing_status: z.enum(['priced', 'estimated', 'unpriced', 'client']).optional(),
  price_source: optionalText(300),
  status: z.enum(['ok', 'error', 'cancelled']).default('ok'),
  error_type: optionalText(200),
  http_status: z.number().int().min(100).max(599).nullable().default(null),
  streamed: z.boolean().default(false),
  sdk: z.string().max(100).default('unknown'),
})

export type ParsedCostEvent = z.output<typeof costEventSchema>

// The schema and the wire type must describe the same object (pricing_status is settled at ingest).
type Settled = Omit<ParsedCostEvent, 'pricing_status'> & Pick<CostEvent, 'pricing_status'>
const _schemaMatchesType: [
  Settled extends CostEvent ? true : never,
  CostEvent extends Settled ? true : never,
] = [true, true]
void _schemaMatchesType

/** Readable reasons, one per problem, each prefixed with the field's path. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.join('.')
    return path ? `${path}: ${issue.message}` : issue.message
  })
}
