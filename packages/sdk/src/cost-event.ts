/**
 * CostEvent v1: the one record spendlens keeps per LLM call. Defined here once; the server,
 * the store and the dashboard import it. Field by field documentation: docs/event-schema.md.
 *
 * snake_case on purpose: the same names appear in JSON logs, SQL and ClickHouse.
 * Every count is `number | null`: null means "the provider did not say", never zero.
 */
export interface CostEvent {
  schema_version: 1
  /** Idempotency key. A retry of the same logical request reuses it; the store counts it once. */
  event_id: string
  /** Call start, ISO 8601 UTC with milliseconds. */
  ts: string
  latency_ms: number | null
  ttft_ms: number | null

  provider: string
  operation: string
  /** The model the response reported (often a dated snapshot); the requested one if none came back. */
  model: string
  requested_model: string | null
  provider_request_id: string | null
  /**
   * The provider's own project (OpenAI project, Anthropic workspace) the call was billed to, when
   * the client knows it: what the provider's invoice groups by. Null when not known.
   */
  provider_project: string | null

  feature: string | null
  route: string | null
  customer_id: string | null
  user_id: string | null
  session_id: string | null
  environment: string | null
  prompt_id: string | null
  tags: Record<string, string>

  /** ALL input tokens: cached and cache-written included (the OpenTelemetry convention). */
  input_tokens: number | null
  /** Subset of input_tokens read from the prompt cache. */
  cache_read_tokens: number | null
  /** Subset of input_tokens written to the prompt cache (all TTLs). */
  cache_write_tokens: number | null
  /** Subset of cache_write_tokens written with a 1-hour TTL (Anthropic prices these higher). */
  cache_write_1h_tokens: number | null
  /** All billed output tokens, reasoning included. */
  output_tokens: number | null
  /** Subset of output_tokens spent on reasoning / thinking. Never added on top. */
  reasoning_tokens: number | null
  input_audio_tokens: number | null
  /**
   * Subset of cache_read_tokens (and of input_audio_tokens) that is audio: Gemini bills cached
   * audio at a cache rate of its own (`cacheTokensDetails` modality AUDIO).
   */
  cache_read_audio_tokens: number | null
  output_audio_tokens: number | null
  /** Subset of input_tokens that are image tokens (GPT image models price them apart). */
  input_image_tokens: number | null
  /** Subset of input_tokens that are video tokens (Gemini `promptTokensDetails` modality VIDEO). */
  input_video_tokens: number | null
  /** Subset of output_tokens that are image tokens (Gemini image output, GPT image models). */
  output_image_tokens: number | null
  /** Characters of input text, where a model bills per character (tts-1). */
  input_characters: number | null
  images: number | null
  audio_seconds: number | null
  web_search_requests: number | null
  /** File searches run by the provider (OpenAI Responses `file_search_call` items), billed per call. */
  file_search_requests: number | null
  /** Pages fetched by the provider (Anthropic `server_tool_use.web_fetch_requests`): tokens only, no fee. */
  web_fetch_requests: number | null
  /**
   * Code-execution containers the call ran code in (OpenAI code interpreter, Anthropic code
   * execution): OpenAI bills each container session, Anthropic its container hours.
   */
  code_interpreter_sessions: number | null

  service_tier: string | null
  batch: boolean

  /** Cost in US dollars at call time; null when the price is unknown (never a silent 0). */
  cost_usd: number | null
  /**
   * True when the usage is incomplete (a stream cancelled or broken before the provider's final
   * usage): the cost covers only what was known and is a lower bound.
   */
  cost_partial: boolean
  pricing_status: PricingStatus
  /** Where the price came from, e.g. `genai-prices:openai/gpt-4o-mini`. */
  price_source: string | null
  /**
   * The catalog's price of the same usage, in US dollars, where `cost_usd` is not the catalog's:
   * a cost the provider charged (OpenRouter, Perplexity: `pricing_status: client`). Null otherwise,
   * or when the catalog cannot price the call. Never summed into cost_usd (docs/pricing.md).
   */
  computed_cost_usd: number | null

  status: CallStatus
  error_type: string | null
  http_status: number | null
  streamed: boolean

  /** Producer, e.g. `spendlens-js/0.1.0`. */
  sdk: string
}

/**
 * `priced`: from the catalog at call time. `estimated`: priced, but at a rate spendlens could not
 * confirm (e.g. a priority tier the catalog has no price for, priced at the standard rate).
 * `unpriced`: unknown model or no usage, cost null. `client`: the cost was supplied by the sender.
 */
export type PricingStatus = 'priced' | 'estimated' | 'unpriced' | 'client'
export type CallStatus = 'ok' | 'error' | 'cancelled'

/** The usage part of an event: what a provider converter produces. */
export type Usage = Pick<
  CostEvent,
  | 'input_tokens'
  | 'cache_read_tokens'
  | 'cache_write_tokens'
  | 'cache_write_1h_tokens'
  | 'output_tokens'
  | 'reasoning_tokens'
  | 'input_audio_tokens'
  | 'cache_read_audio_tokens'
  | 'output_audio_tokens'
  | 'input_image_tokens'
  | 'input_video_tokens'
  | 'output_image_tokens'
  | 'input_characters'
  | 'images'
  | 'audio_seconds'
  | 'web_search_requests'
  | 'file_search_requests'
  | 'web_fetch_requests'
  | 'code_interpreter_sessions'
>

export const USAGE_FIELDS = [
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'output_tokens',
  'reasoning_tokens',
  'input_audio_tokens',
  'cache_read_audio_tokens',
  'output_audio_tokens',
  'input_image_tokens',
  'input_video_tokens',
  'output_image_tokens',
  'input_characters',
  'images',
  'audio_seconds',
  'web_search_requests',
  'file_search_requests',
  'web_fetch_requests',
  'code_interpreter_sessions',
] as const satisfies readonly (keyof Usage)[]

/** The product attribution fields. In the store a missing value becomes {@link UNATTRIBUTED}. */
export const ATTRIBUTION_FIELDS = [
  'feature',
  'route',
  'customer_id',
  'user_id',
  'session_id',
  'environment',
  'prompt_id',
] as const satisfies readonly (keyof CostEvent)[]

export type AttributionField = (typeof ATTRIBUTION_FIELDS)[number]

/** Tags a caller attaches: the attribution fields plus any free-form string keys. */
export type Tags = Partial<Record<AttributionField, string>> & Record<string, string | undefined>

/** The explicit bucket for a missing attribution value. */
export const UNATTRIBUTED = 'unattributed'

export function emptyUsage(): Usage {
  return {
    input_tokens: null,
    cache_read_tokens: null,
    cache_write_tokens: null,
    cache_write_1h_tokens: null,
    output_tokens: null,
    reasoning_tokens: null,
    input_audio_tokens: null,
    cache_read_audio_tokens: null,
    output_audio_tokens: null,
    input_image_tokens: null,
    input_video_tokens: null,
    output_image_tokens: null,
    input_characters: null,
    images: null,
    audio_seconds: null,
    web_search_requests: null,
    file_search_requests: null,
    web_fetch_requests: null,
    code_interpreter_sessions: null,
  }
}
