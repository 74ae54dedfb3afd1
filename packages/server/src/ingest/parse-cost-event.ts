import { ATTRIBUTION_FIELDS } from 'spendlens'
import { regexes } from 'zod/v4/core'
import { PRICING_STATUSES } from '../api/api-types.js'
import {
  costEventSchema,
  describeIssues,
  isSafeText,
  MAX_AUDIO_SECONDS,
  MAX_COST_USD,
  MAX_COUNT,
  MAX_DURATION_MS,
  MAX_EVENT_ID_LENGTH,
  MAX_TAGS,
  type ParsedCostEvent,
} from './cost-event-schema.js'
import { type EventWindow, outsideWindow } from './event-window.js'

export type ParseResult =
  | { success: true; data: ParsedCostEvent }
  /** `tooOld`: refused only for lying before the window (a backfill would take it). */
  | { success: false; errors: string[]; tooOld?: boolean }

/**
 * Validates one decoded event against {@link costEventSchema}, and its `ts` against `window` (the
 * server's clock; see event-window.ts). `plainText`: the event comes from JSON text without a `\u`
 * escape, so none of its strings can hold a NUL or a lone surrogate (mayHoldUnsafeText).
 *
 * zod costs about 10 µs per event, half of the ingest budget at 50,000 events/s, so a well-formed
 * event goes through a hand-written check first. That check only ever says "valid, and this is
 * exactly what zod would answer" or "not sure": anything unusual (a wrong type, a bound crossed, a
 * ts outside the window, an odd key or character) goes to zod and the window (slowParse), which stay
 * the one definition of the contract and the only source of error messages.
 * parse-cost-event.test.ts runs both on thousands of mutated events and requires the same answer
 * from each.
 */
export function parseCostEvent(value: unknown, window: EventWindow, plainText = false): ParseResult {
  const fast = fastParse(value, window, plainText)
  if (fast !== undefined) return { success: true, data: fast }
  return slowParse(value, window)
}

/**
 * The contract itself: zod, then the window. The window is the server's clock, not a property of
 * the event, so it stays out of the schema (a schema per instant would be compiled per request).
 * Exported for the differential test.
 */
export function slowParse(value: unknown, window: EventWindow): ParseResult {
  const parsed = costEventSchema.safeParse(value)
  if (!parsed.success) return { success: false, errors: describeIssues(parsed.error) }
  const outside = outsideWindow(parsed.data.ts, window)
  if (outside === undefined) return { success: true, data: parsed.data }
  return { success: false, errors: [outside], tooOld: Date.parse(parsed.data.ts) < window.oldest }
}

/** The very pattern `z.iso.datetime({ offset: true })` checks. */
const ISO_DATETIME = regexes.datetime({ offset: true })
const PRICING_STATUS_SET: ReadonlySet<unknown> = new Set(PRICING_STATUSES)
const CALL_STATUSES: ReadonlySet<unknown> = new Set(['ok', 'error', 'cancelled'])
const [FEATURE, ROUTE, CUSTOMER, USER, SESSION, ENVIRONMENT, PROMPT] = ATTRIBUTION_FIELDS

/** Thrown inside the fast path to hand the event to zod; never escapes this module. */
const NOT_SURE = Symbol('not sure')

function text(value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw NOT_SURE
  return value
}

function optionalText(value: unknown, max: number): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string' || value.length > max) throw NOT_SURE
  return value
}

function count(value: unknown): number | null {
  if (value === undefined || value === null) return null
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > MAX_COUNT) throw NOT_SURE
  return value as number
}

function amount(value: unknown): number | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw NOT_SURE
  return value
}

function duration(value: unknown, max: number): number | null {
  const length = amount(value)
  if (length !== null && length > max) throw NOT_SURE
  return length
}

function cost(value: unknown): number | null {
  const usd = amount(value)
  if (usd !== null && usd > MAX_COST_USD) throw NOT_SURE
  return usd
}

function flag(value: unknown): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') throw NOT_SURE
  return value
}

/** `2026-11-20T10:00:00.000Z`: what toISOString writes for years 0000–9999. */
const CANONICAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/** A `ts` inside `window`, normalized as zod normalizes it; anything outside the window is zod's to explain. */
function timestamp(value: unknown, window: EventWindow): string {
  let date: Date
  if (typeof value === 'string') {
    if (!ISO_DATETIME.test(value)) throw NOT_SURE
    // Already canonical (what SDKs send): the pattern has checked the calendar, so the instant
    // exists and its toISOString is the string itself. Canonical strings sort as their instants:
    // the window is two string comparisons, with no Date.
    if (value.length === 24 && CANONICAL.test(value)) {
      if (value < window.oldestIso || value > window.newestIso) throw NOT_SURE
      return value
    }
    date = new Date(value)
  } else if (Number.isSafeInteger(value) && (value as number) > 0) {
    date = new Date(value as number)
  } else throw NOT_SURE
  const time = date.getTime()
  if (Number.isNaN(time) || time < window.oldest || time > window.newest) throw NOT_SURE
  return date.toISOString()
}

function tags(value: unknown): Record<string, string> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    throw NOT_SURE
  const input = value as Record<string, unknown>
  const keys = Object.keys(input)
  if (keys.length === 0) return {}
  if (keys.length > MAX_TAGS) throw NOT_SURE
  const output: Record<string, string> = {}
  for (const key of keys) {
    const tag = input[key]
    if (key.length === 0 || key.length > 200 || key === '__proto__') throw NOT_SURE
    if (typeof tag !== 'string' || tag.length > 2000) throw NOT_SURE
    output[key] = tag
  }
  return output
}

/** Whether a string of the event, or a tag key or value, holds a NUL or a lone surrogate. */
function holdsUnsafeText(event: Record<string, unknown>, tags: Record<string, string>): boolean {
  for (const field in event) {
    const value = event[field]
    if (typeof value === 'string' && !isSafeText(value)) return true
  }
  for (const key in tags) if (!isSafeText(key) || !isSafeText(tags[key] as string)) return true
  return false
}

/**
 * The fast path alone: the event exactly as zod would answer it, or undefined when zod must decide.
 * Text with a NUL or a lone surrogate is zod's to refuse or clean; `plainText` says there is none.
 * Exported for the differential test.
 */
export function fastParse(
  value: unknown,
  window: EventWindow,
  plainText = false,
): ParsedCostEvent | undefined {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return undefined
  const input = value as Record<string, unknown>
  try {
    const schemaVersion = input.schema_version
    if (schemaVersion !== undefined && schemaVersion !== 1) return undefined
    const httpStatus = count(input.http_status)
    if (httpStatus !== null && (httpStatus < 100 || httpStatus > 599)) return undefined
    const pricingStatus = input.pricing_status
    if (pricingStatus !== undefined && !PRICING_STATUS_SET.has(pricingStatus)) return undefined
    const status = input.status === undefined ? 'ok' : input.status
    if (!CALL_STATUSES.has(status)) return undefined
    const sdk = input.sdk === undefined ? 'unknown' : input.sdk
    if (typeof sdk !== 'string' || sdk.length > 100) return undefined
    // Keys in the schema's order, so both paths build objects of one shape.
    const event: Record<string, unknown> = {
      schema_version: 1,
      event_id: text(input.event_id, MAX_EVENT_ID_LENGTH),
      ts: timestamp(input.ts, window),
      latency_ms: duration(input.latency_ms, MAX_DURATION_MS),
      ttft_ms: duration(input.ttft_ms, MAX_DURATION_MS),
      provider: text(input.provider, 100),
      operation: text(input.operation, 100),
      model: text(input.model, 300),
      requested_model: optionalText(input.requested_model, 300),
      provider_request_id: optionalText(input.provider_request_id, 300),
      provider_project: optionalText(input.provider_project, 500),
      [FEATURE]: optionalText(input[FEATURE], 500),
      [ROUTE]: optionalText(input[ROUTE], 500),
      [CUSTOMER]: optionalText(input[CUSTOMER], 500),
      [USER]: optionalText(input[USER], 500),
      [SESSION]: optionalText(input[SESSION], 500),
      [ENVIRONMENT]: optionalText(input[ENVIRONMENT], 500),
      [PROMPT]: optionalText(input[PROMPT], 500),
      tags: tags(input.tags),
      input_tokens: count(input.input_tokens),
      cache_read_tokens: count(input.cache_read_tokens),
      cache_write_tokens: count(input.cache_write_tokens),
      cache_write_1h_tokens: count(input.cache_write_1h_tokens),
      output_tokens: count(input.output_tokens),
      reasoning_tokens: count(input.reasoning_tokens),
      input_audio_tokens: count(input.input_audio_tokens),
      cache_read_audio_tokens: count(input.cache_read_audio_tokens),
      output_audio_tokens: count(input.output_audio_tokens),
      input_image_tokens: count(input.input_image_tokens),
      input_video_tokens: count(input.input_video_tokens),
      output_image_tokens: count(input.output_image_tokens),
      input_characters: count(input.input_characters),
      images: count(input.images),
      audio_seconds: duration(input.audio_seconds, MAX_AUDIO_SECONDS),
      web_search_requests: count(input.web_search_requests),
      file_search_requests: count(input.file_search_requests),
      web_fetch_requests: count(input.web_fetch_requests),
      code_interpreter_sessions: count(input.code_interpreter_sessions),
      service_tier: optionalText(input.service_tier, 50),
      batch: flag(input.batch),
      cost_usd: cost(input.cost_usd),
      cost_partial: flag(input.cost_partial),
      price_source: optionalText(input.price_source, 300),
      computed_cost_usd: cost(input.computed_cost_usd),
      status,
      error_type: optionalText(input.error_type, 200),
      http_status: httpStatus,
      streamed: flag(input.streamed),
      sdk,
    }
    if (!plainText && holdsUnsafeText(event, event.tags as Record<string, string>)) return undefined
    // zod leaves an absent optional key out rather than setting it to undefined.
    if (pricingStatus !== undefined) event.pricing_status = pricingStatus
    return event as ParsedCostEvent
  } catch (error) {
    if (error === NOT_SURE) return undefined
    throw error
  }
}
