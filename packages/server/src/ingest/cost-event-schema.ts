import { ATTRIBUTION_FIELDS, type CostEvent } from 'spendlens'
import { z } from 'zod'

/**
 * Ceilings on what one call can report. Past them a figure is a unit mistake or an attack, and it
 * would poison every sum it joins: two latencies of 1.7e308 ms made the store-wide average
 * latency overflow to null.
 */
/** No call lasts a day: latency and time to first token, in milliseconds. */
export const MAX_DURATION_MS = 86_400_000
/** Audio in one call, in seconds (a day). */
export const MAX_AUDIO_SECONDS = 86_400
/** Any one count of a call (tokens of a kind, images, characters, searches): a billion. */
export const MAX_COUNT = 1_000_000_000
/** Tags on one event. */
export const MAX_TAGS = 64
/** The longest event_id. */
export const MAX_EVENT_ID_LENGTH = 200

const count = z.number().int().nonnegative().max(MAX_COUNT).nullable().default(null)
const duration = (max: number) => z.number().nonnegative().max(max).nullable().default(null)
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
  event_id: text(MAX_EVENT_ID_LENGTH),
  ts: timestamp,
  latency_ms: duration(MAX_DURATION_MS),
  ttft_ms: duration(MAX_DURATION_MS),
  provider: text(100),
  operation: text(100),
  model: text(300),
  requested_model: optionalText(300),
  provider_request_id: optionalText(300),
  ...attribution,
  tags: z
    .record(z.string().min(1).max(200), z.string().max(2000))
    .refine((tags) => Object.keys(tags).length <= MAX_TAGS, { message: `at most ${MAX_TAGS} tags` })
    .default({}),
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
  audio_seconds: duration(MAX_AUDIO_SECONDS),
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
