import { createHash, randomUUID } from 'node:crypto'
import { ATTRIBUTION_FIELDS, type CallStatus, type CostEvent, type Tags, type Usage } from '../cost-event.js'
import { type Price, type Pricer, priceUsage, roundToNanos } from '../pricing/price-usage.js'
import { SDK_NAME } from '../version.js'

/**
 * One observed call, before tags are split and the call is priced. A TrackedCall is one (wrap() and
 * the AI SDK middleware fill it in place); the demo generator and tests write them as literals.
 */
export interface CallRecord {
  event_id?: string
  /** Call start, epoch milliseconds. */
  started_at: number
  latency_ms: number | null
  ttft_ms: number | null
  provider: string
  operation: string
  requested_model: string | null
  model: string | null
  provider_request_id: string | null
  /** The provider's project the call was billed to, when the client knows it (null when not said). */
  provider_project?: string | null
  tags: Tags
  usage: Usage
  /**
   * The cost the provider reported for the call (OpenRouter's `usage.cost`): the event's cost,
   * `pricing_status: client`, with the catalog's price of the usage kept beside it in
   * `computed_cost_usd` (docs/pricing.md).
   */
  charged_cost_usd?: number | null
  service_tier: string | null
  batch: boolean
  /** The deployment type or endpoint, where it changes the price (wrap's `deployment`, Vertex's region). */
  deployment?: string | null
  status: CallStatus
  /** The usage stopped short of the provider's final count (a stream cancelled or broken). */
  cost_partial?: boolean
  /**
   * A unit billed per call was used that the observer could not count (the AI SDK middleware saw a
   * tool the provider ran, without the provider's answer to count it from): the cost is a lower
   * bound, `pricing_status: estimated`.
   */
  uncounted_units?: boolean
  error_type: string | null
  http_status: number | null
  streamed: boolean
  /** Free by the provider's terms (moderations): priced as a known $0. */
  free?: boolean
  /** The system prompt, when prompt hashing is on: becomes `prompt_id` if none was given. Never stored. */
  prompt_text?: string
}

/**
 * A stable id for a prompt template from its text: `sha256:` and 16 hex digits. Templates that
 * interpolate per-call values hash differently each time; give those a prompt_id instead.
 */
export function promptHash(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`
}

const attributionKeys = new Set<string>(ATTRIBUTION_FIELDS)

/**
 * The event's price: the provider's own figure for what the call cost, where it gives one (what it
 * bills is the truth), with the catalog's price of the same usage kept beside it; else the catalog's.
 */
function eventPrice(record: CallRecord, catalog: Price): Price & Pick<CostEvent, 'computed_cost_usd'> {
  const charged = record.charged_cost_usd
  if (typeof charged !== 'number' || !Number.isFinite(charged) || charged < 0) {
    // Priced without a unit it could not count: a lower bound, never passed off as the price.
    const estimated = record.uncounted_units === true && catalog.pricing_status === 'priced'
    return {
      cost_usd: catalog.cost_usd,
      pricing_status: estimated ? 'estimated' : catalog.pricing_status,
      price_source: catalog.price_source,
      computed_cost_usd: null,
    }
  }
  return {
    cost_usd: roundToNanos(charged),
    pricing_status: 'client',
    price_source: `charged:${record.provider}`,
    computed_cost_usd: catalog.cost_usd,
  }
}

/** The second of the last ISO time written, and its text up to the milliseconds. */
let isoSecond = Number.NaN
let isoPrefix = ''

/**
 * `new Date(ms).toISOString()`, from the text of the same second when the last call's was in it:
 * a call's events mostly follow one another within a second, and V8's toISOString costs a few µs
 * run alone between two calls. A fractional or invalid time takes toISOString's path (which throws
 * on an invalid one).
 */
export function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000)
  if (second !== isoSecond || !Number.isInteger(ms)) {
    const iso = new Date(ms).toISOString()
    if (Number.isInteger(ms)) {
      isoSecond = second
      isoPrefix = iso.slice(0, -4)
    }
    return iso
  }
  const millis = ms - second * 1000
  return `${isoPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`
}

/** A call's tags: the attribution fields, by name, and the rest, free-form, as strings. */
interface SplitTags {
  attribution: Partial<Record<(typeof ATTRIBUTION_FIELDS)[number], string>>
  tags: Record<string, string>
}

function splitTags(callTags: Tags): SplitTags {
  const attribution: SplitTags['attribution'] = {}
  const tags: Record<string, string> = {}
  for (const key of Object.keys(callTags)) {
    const value = callTags[key]
    if (value === undefined || value === null) continue
    if (attributionKeys.has(key)) attribution[key as keyof SplitTags['attribution']] = String(value)
    else tags[key] = String(value)
  }
  return { attribution, tags }
}

/**
 * Turns an observed call into a priced CostEvent. Pure apart from the event id it may generate.
 *
 * Built as one object literal with every field named (no spreads): it runs once per tracked call,
 * and a literal of fixed shape is a third of the CPU of spreading the usage and price into it
 * (bench/README.md, bench:sdk). The CostEvent type makes a field added to Usage or Price a compile
 * error here until it is copied.
 */
export function buildCostEvent(record: CallRecord, pricer: Pricer = priceUsage): CostEvent {
  const ts = new Date(record.started_at)
  const model = record.model ?? record.requested_model ?? 'unknown'
  const { attribution, tags } = splitTags(record.tags)
  const usage = record.usage
  const price = eventPrice(
    record,
    pricer({
      provider: record.provider,
      model,
      usage,
      ts,
      service_tier: record.service_tier,
      batch: record.batch,
      deployment: record.deployment ?? null,
      status: record.status,
      http_status: record.http_status,
      free: record.free,
    }),
  )
  return {
    schema_version: 1,
    event_id: record.event_id ?? randomUUID(),
    ts: isoTime(record.started_at),
    latency_ms: record.latency_ms,
    ttft_ms: record.ttft_ms,
    provider: record.provider,
    operation: record.operation,
    model,
    requested_model: record.requested_model,
    provider_request_id: record.provider_request_id,
    provider_project: record.provider_project ?? null,
    feature: attribution.feature ?? null,
    route: attribution.route ?? null,
    customer_id: attribution.customer_id ?? null,
    user_id: attribution.user_id ?? null,
    session_id: attribution.session_id ?? null,
    environment: attribution.environment ?? null,
    prompt_id: attribution.prompt_id ?? (record.prompt_text ? promptHash(record.prompt_text) : null),
    tags,
    input_tokens: usage.input_tokens,
    cache_read_tokens: usage.cache_read_tokens,
    cache_write_tokens: usage.cache_write_tokens,
    cache_write_1h_tokens: usage.cache_write_1h_tokens,
    output_tokens: usage.output_tokens,
    reasoning_tokens: usage.reasoning_tokens,
    input_audio_tokens: usage.input_audio_tokens,
    cache_read_audio_tokens: usage.cache_read_audio_tokens,
    output_audio_tokens: usage.output_audio_tokens,
    input_image_tokens: usage.input_image_tokens,
    input_video_tokens: usage.input_video_tokens,
    output_image_tokens: usage.output_image_tokens,
    input_characters: usage.input_characters,
    images: usage.images,
    audio_seconds: usage.audio_seconds,
    web_search_requests: usage.web_search_requests,
    file_search_requests: usage.file_search_requests,
    web_fetch_requests: usage.web_fetch_requests,
    code_interpreter_sessions: usage.code_interpreter_sessions,
    service_tier: record.service_tier,
    batch: record.batch,
    cost_usd: price.cost_usd,
    pricing_status: price.pricing_status,
    price_source: price.price_source,
    computed_cost_usd: price.computed_cost_usd,
    cost_partial: record.cost_partial ?? false,
    status: record.status,
    error_type: record.error_type,
    http_status: record.http_status,
    streamed: record.streamed,
    sdk: SDK_NAME,
  }
}
