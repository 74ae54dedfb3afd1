import { ATTRIBUTION_FIELDS, type CostEvent } from 'spendlens'
import { z } from 'zod'
import { PRICING_STATUSES } from '../api/api-types.js'

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

/**
 * A NUL or a lone surrogate (invalid UTF-16; in `u` mode a proper pair is one code point and does
 * not match). No store keeps such a string as sent: DuckDB writes a lone surrogate as U+FFFD (the
 * stored event_id is not the acknowledged one) and its Parquet export fails on one in a tag;
 * ClickHouse refuses the whole insert; NUL cuts C strings short.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const UNSAFE_TEXT = /\u0000|\p{Surrogate}/u
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const UNSAFE_CHARACTERS = /\u0000|\p{Surrogate}/gu

/** Whether `value` holds neither a NUL nor a lone surrogate. */
export const isSafeText = (value: string) => !UNSAFE_TEXT.test(value)

/** `value` with each NUL and each lone surrogate replaced by U+FFFD (the length stays the same). */
export const cleanText = (value: string) => value.replace(UNSAFE_CHARACTERS, '\uFFFD')

/**
 * Refused: what identifies the event, its call or its price (event_id, provider, model…, tag keys).
 * Cleaning could merge two event_ids or price another model, so the sender is told instead.
 */
const UNSAFE_IDENTIFIER =
  'holds a NUL or a lone surrogate (invalid UTF-16); identifiers are refused, not cleaned'

const count = z.number().int().nonnegative().max(MAX_COUNT).nullable().default(null)
const duration = (max: number) => z.number().nonnegative().max(max).nullable().default(null)
const identifier = (max: number) => z.string().max(max).refine(isSafeText, UNSAFE_IDENTIFIER)
const text = (max: number) => z.string().min(1).max(max).refine(isSafeText, UNSAFE_IDENTIFIER)
const optionalText = (max: number) => identifier(max).nullable().default(null)
/**
 * Cleaned: what labels or describes the call (attribution, tag values, error_type, price_source,
 * sdk). One odd character is not worth the event's cost: it is kept, with U+FFFD in its place.
 */
const label = (max: number) => z.string().max(max).transform(cleanText)
const optionalLabel = (max: number) => label(max).nullable().default(null)

/** `ts` as ISO 8601 with an offset (normalized to UTC) or epoch milliseconds. */
export const timestampSchema = z
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

const attribution = Object.fromEntries(
  ATTRIBUTION_FIELDS.map((name) => [name, optionalLabel(500)]),
) as Record<(typeof ATTRIBUTION_FIELDS)[number], ReturnType<typeof optionalLabel>>

/**
 * The largest cost one call may report. Beyond it the figure is a unit mistake, and the store keeps
 * cost as 64-bit nano-dollars: a bigger value would fail the whole batch it arrived in.
 */
export const MAX_COST_USD = 1_000_000
const usd = z.number().nonnegative().max(MAX_COST_USD).nullable().default(null)

/**
 * The one ingest validator for CostEvent v1. Unknown keys are dropped, so nothing beyond the
 * contract (a prompt or a completion sent by mistake) is ever stored. Defaults make the minimal
 * event `{ event_id, ts, provider, operation, model }` valid; the server prices it if it has no cost.
 */
export const costEventSchema = z.object({
  schema_version: z.literal(1).default(1),
  event_id: text(MAX_EVENT_ID_LENGTH),
  ts: timestampSchema,
  latency_ms: duration(MAX_DURATION_MS),
  ttft_ms: duration(MAX_DURATION_MS),
  provider: text(100),
  operation: text(100),
  model: text(300),
  requested_model: optionalText(300),
  provider_request_id: optionalText(300),
  // Labels the call like attribution does (and is cleaned like it); absent in older SDKs' events.
  provider_project: optionalLabel(500),
  ...attribution,
  tags: z
    .record(text(200), label(2000))
    .refine((tags) => Object.keys(tags).length <= MAX_TAGS, { message: `at most ${MAX_TAGS} tags` })
    .default({}),
  input_tokens: count,
  cache_read_tokens: count,
  cache_write_tokens: count,
  cache_write_1h_tokens: count,
  output_tokens: count,
  reasoning_tokens: count,
  input_audio_tokens: count,
  cache_read_audio_tokens: count,
  output_audio_tokens: count,
  input_image_tokens: count,
  input_video_tokens: count,
  output_image_tokens: count,
  input_characters: count,
  images: count,
  audio_seconds: duration(MAX_AUDIO_SECONDS),
  web_search_requests: count,
  file_search_requests: count,
  web_fetch_requests: count,
  code_interpreter_sessions: count,
  service_tier: optionalText(50),
  batch: z.boolean().default(false),
  cost_usd: usd,
  cost_partial: z.boolean().default(false),
  pricing_status: z.enum(PRICING_STATUSES).optional(),
  price_source: optionalLabel(300),
  computed_cost_usd: usd,
  status: z.enum(['ok', 'error', 'cancelled']).default('ok'),
  error_type: optionalLabel(200),
  http_status: z.number().int().min(100).max(599).nullable().default(null),
  streamed: z.boolean().default(false),
  sdk: label(100).default('unknown'),
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
    // A bad tag key: zod says "Invalid key in record" and keeps the reason inside.
    const message =
      issue.code === 'invalid_key'
        ? issue.issues.map((inner) => `key ${inner.message}`).join('; ')
        : issue.message
    return path ? `${path}: ${message}` : message
  })
}
