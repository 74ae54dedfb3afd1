import { ATTRIBUTION_FIELDS, type Usage } from 'spendlens'
import {
  convertAiSdkUsage,
  count,
  describeModelProvider,
  emptyUsage,
  type ModelFamily,
} from 'spendlens/internal'
import { MAX_TAGS } from '../ingest/cost-event-schema.js'
import type { Attributes, AttributeValue, OtlpSpan } from './otlp-spans.js'

/*
 * GenAI spans → CostEvents. The mapping table (attribute → field) is docs/otlp.md; the rules that
 * decide money are written here, beside the code that applies them.
 *
 * COUNT ONCE. Frameworks repeat a call's usage on the spans around it: the AI SDK's `ai.generateText`
 * sums its steps' `ai.generateText.doGenerate` children, LangChain's chains (OpenLLMetry's workflow
 * and task spans, OpenInference's CHAIN spans) carry their LLM children's counts, and the GenAI
 * conventions' `invoke_agent` spans sum the agent's calls. A span is one model call, and becomes one
 * event, only when
 *   - it names a model and carries GenAI usage or a GenAI provider, and
 *   - no framework marks it as a wrapper: an AI SDK span (`ai.operationId`) counts only as
 *     `….doGenerate`, `….doStream` or `….doEmbed`; an OpenLLMetry span whose `traceloop.span.kind` is
 *     workflow, task, agent or tool does not count; an OpenInference span counts only as LLM or
 *     EMBEDDING (`openinference.span.kind`); a span whose `gen_ai.operation.name` is invoke_agent,
 *     create_agent, execute_tool or invoke_workflow does not count.
 * The rule reads each span alone: a trace's spans may arrive in several exports (children end, and
 * are sent, before their parents), and a rule that needed the neighbours would count a call once or
 * twice depending on how the exporter cut the trace. (Only two instrumentations of one call, nested,
 * are told apart by their nesting: otlp-items.ts.)
 *
 * Every other span (HTTP, database, a framework's own) is not a model call: it is ignored, neither
 * stored nor rejected. Nothing of a span's content is read: prompts and completions
 * (`gen_ai.prompt.*`, `gen_ai.completion.*`, `gen_ai.input.messages`, `ai.prompt`, `ai.response.text`,
 * `input.value`, span events) never leave this module, which reads only the attributes named below.
 */

const AI_SDK_MODEL_CALL = /\.do(Generate|Stream|Embed)$/
const TRACELOOP_WRAPPERS = new Set(['workflow', 'task', 'agent', 'tool'])
const OPENINFERENCE_MODEL_CALLS = new Set(['LLM', 'EMBEDDING'])
const WRAPPER_OPERATIONS = new Set(['invoke_agent', 'create_agent', 'execute_tool', 'invoke_workflow'])

/** Whether no framework marks the span as a wrapper around model calls (the count-once rule). */
function markedAsWrapper(attributes: Attributes): boolean {
  const aiSdkOperation = text(attributes, 'ai.operationId')
  if (aiSdkOperation !== null && !AI_SDK_MODEL_CALL.test(aiSdkOperation)) return true
  const traceloopKind = text(attributes, 'traceloop.span.kind')
  if (traceloopKind !== null && TRACELOOP_WRAPPERS.has(traceloopKind)) return true
  const openInferenceKind = text(attributes, 'openinference.span.kind')
  if (openInferenceKind !== null && !OPENINFERENCE_MODEL_CALLS.has(openInferenceKind.toUpperCase()))
    return true
  const operation = text(attributes, 'gen_ai.operation.name')
  return operation !== null && WRAPPER_OPERATIONS.has(operation)
}

function text(attributes: Attributes, key: string): string | null {
  const value = attributes.get(key)
  return typeof value === 'string' && value.length > 0 ? value : null
}

/** The first of `keys` the span has as a string. */
function firstText(attributes: Attributes, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = text(attributes, key)
    if (value !== null) return value
  }
  return null
}

/** The first of `keys` the span has as a count (a number, or a numeric string as some SDKs send). */
function firstCount(attributes: Attributes, keys: readonly string[]): number | null {
  for (const key of keys) {
    const value = attributes.get(key)
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
    const known = count(number)
    if (known !== null) return known
  }
  return null
}

// The spellings of each field, newest first: the GenAI conventions, their older names, OpenLLMetry's
// `llm.*`, the AI SDK's `ai.*`, OpenInference's `llm.*`.
const PROVIDER_KEYS = [
  'gen_ai.provider.name',
  'gen_ai.system',
  'ai.model.provider',
  'llm.provider',
  'llm.system',
]
const REQUEST_MODEL_KEYS = ['gen_ai.request.model', 'ai.model.id', 'llm.request.model']
const RESPONSE_MODEL_KEYS = [
  'gen_ai.response.model',
  'ai.response.model',
  'llm.response.model',
  'llm.model_name',
]
const INPUT_KEYS = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'llm.usage.prompt_tokens',
  'llm.token_count.prompt',
]
const OUTPUT_KEYS = [
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'llm.usage.completion_tokens',
  'llm.token_count.completion',
]
const CACHE_READ_KEYS = [
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_read_input_tokens',
  'llm.usage.cache_read_input_tokens',
  'llm.token_count.prompt_details.cache_read',
]
const CACHE_WRITE_KEYS = [
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.cache_creation_input_tokens',
  'llm.usage.cache_creation_input_tokens',
  'llm.token_count.prompt_details.cache_write',
]
const REASONING_KEYS = [
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.reasoning_tokens',
  'llm.usage.reasoning_tokens',
  'llm.token_count.completion_details.reasoning',
]
const COST_KEYS = ['gen_ai.usage.cost', 'gen_ai.cost.usd', 'llm.cost.total', 'llm.usage.cost']
const SESSION_KEYS = ['gen_ai.conversation.id', 'session.id', 'ai.telemetry.metadata.sessionId']
const USER_KEYS = ['user.id', 'enduser.id', 'ai.telemetry.metadata.userId']
const ENVIRONMENT_KEYS = ['deployment.environment.name', 'deployment.environment']
const TAG_PREFIXES = ['traceloop.association.properties.', 'ai.telemetry.metadata.']

/** The GenAI conventions' provider names (and older `gen_ai.system` values) that the catalog names otherwise. */
const CATALOG_PROVIDERS: Record<string, string> = {
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  gemini: 'google',
  vertex_ai: 'google',
  vertexai: 'google',
  google_genai: 'google',
  'az.ai.openai': 'azure',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  az_ai_inference: 'azure',
  'aws.bedrock': 'aws',
  bedrock: 'aws',
  mistral_ai: 'mistral',
  mistralai: 'mistral',
  x_ai: 'x-ai',
  xai: 'x-ai',
}

/** Who bills the call, and the family whose counting rules its usage follows. */
function providerOf(raw: string): { provider: string; family: ModelFamily; operation: string | null } {
  const name = raw.toLowerCase()
  const catalog = CATALOG_PROVIDERS[name]
  if (catalog) return { provider: catalog, family: familyOf(catalog), operation: null }
  // The AI SDK's `openai.chat`, `anthropic.messages`, `google.generative-ai`: its own table.
  if (name.includes('.')) return describeModelProvider(name)
  return { provider: name, family: familyOf(name), operation: null }
}

function familyOf(provider: string): ModelFamily {
  if (provider === 'anthropic') return 'anthropic'
  if (provider === 'google') return 'google'
  if (provider === 'openai' || provider === 'azure') return 'openai'
  return 'other'
}

/** The GenAI conventions' operation names → the operations the SDK records for the same calls. */
function operationOf(attributes: Attributes, family: ModelFamily, fromProvider: string | null): string {
  const aiSdkOperation = text(attributes, 'ai.operationId')
  if (aiSdkOperation?.endsWith('.doEmbed')) return 'embeddings'
  if (fromProvider) return fromProvider
  const name = firstText(attributes, ['gen_ai.operation.name', 'llm.request.type'])
  if (name === 'embeddings' || name === 'embedding') return 'embeddings'
  // As the SDK names these providers' calls (OpenLLMetry's Python Anthropic spans say `completion`).
  if (family === 'google') return 'generate_content'
  if (family === 'anthropic') return 'messages'
  if (name === 'text_completion' || name === 'completion') return 'completions'
  return name === null || name === 'chat' ? 'chat' : name
}

/** The provider metadata the AI SDK records as JSON text (usage only is read from it). */
function providerMetadata(attributes: Attributes): unknown {
  const json = text(attributes, 'ai.response.providerMetadata')
  if (json === null || json.length > 100_000) return undefined
  try {
    return JSON.parse(json) as unknown
  } catch {
    return undefined
  }
}

/**
 * The AI SDK's usage (its `ai.usage.*` attributes), read by the very converter the SDK's middleware
 * uses, so that a call costs the same whichever way it reached spendlens: ai v6 records the
 * normalized counts (`ai.usage.inputTokenDetails.*`), ai v5 the flat ones whose meaning differs per
 * provider; the provider's own usage in `ai.response.providerMetadata` wins where it is there.
 */
function aiSdkUsage(attributes: Attributes, family: ModelFamily): Usage {
  const get = (key: string) => firstCount(attributes, [`ai.usage.${key}`])
  if (text(attributes, 'ai.operationId')?.endsWith('.doEmbed'))
    return { ...emptyUsage(), input_tokens: get('tokens') }
  const v6 = [...attributes.keys()].some((key) => key.startsWith('ai.usage.inputTokenDetails.'))
  const usage = v6
    ? {
        inputTokens: {
          total: get('inputTokens'),
          noCache: get('inputTokenDetails.noCacheTokens'),
          cacheRead: get('inputTokenDetails.cacheReadTokens'),
          cacheWrite: get('inputTokenDetails.cacheWriteTokens'),
        },
        outputTokens: {
          total: get('outputTokens'),
          text: get('outputTokenDetails.textTokens'),
          reasoning: get('outputTokenDetails.reasoningTokens') ?? get('reasoningTokens'),
        },
      }
    : {
        inputTokens: get('inputTokens') ?? get('promptTokens'),
        outputTokens: get('outputTokens') ?? get('completionTokens'),
        reasoningTokens: get('reasoningTokens'),
        cachedInputTokens: get('cachedInputTokens'),
      }
  return convertAiSdkUsage(family, usage, providerMetadata(attributes))
}

/**
 * The usage of any other span, from the GenAI conventions and the vendors' spellings.
 *
 * Counting rules (CostEvent: input_tokens holds every input token, cache reads and writes
 * included; reasoning is part of output_tokens):
 * - OpenAI, Gemini and the rest report a prompt count that includes the cached tokens, and the
 *   instrumentations pass it on: taken as it is.
 * - Anthropic's `input_tokens` leaves cache reads and writes out; the GenAI conventions ask for the
 *   total, and most instrumentations record it: OpenLLMetry's Python one and Anthropic's own SDK
 *   (both read in their source), OpenInference (`llm.token_count.prompt` is the total by its
 *   specification). OpenLLMetry's JavaScript one copies Anthropic's count unchanged (read in its
 *   source): for it (ANTHROPIC_INPUT_WITHOUT_CACHE), and for any span whose input is smaller than
 *   its cache reads and writes together (it cannot be their total), the cache is added.
 * - Anthropic's own SDK also records the 1-hour cache writes apart
 *   (`anthropic.usage.cache_creation.ephemeral_1h_input_tokens`, a subset of the writes), priced at
 *   their own rate; other instrumentations do not, and all their writes are priced at the 5-minute rate.
 * - Reasoning counts are a subset of the output count in every spelling: never added to it.
 */
function conventionUsage(attributes: Attributes, family: ModelFamily, scope: string): Usage {
  const cacheRead = firstCount(attributes, CACHE_READ_KEYS)
  const cacheWrite = firstCount(attributes, CACHE_WRITE_KEYS)
  let input = firstCount(attributes, INPUT_KEYS)
  const cache = (cacheRead ?? 0) + (cacheWrite ?? 0)
  if (family === 'anthropic' && input !== null && (ANTHROPIC_INPUT_WITHOUT_CACHE.has(scope) || input < cache))
    input += cache
  return {
    ...emptyUsage(),
    input_tokens: input,
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
    cache_write_1h_tokens: firstCount(attributes, [
      'anthropic.usage.cache_creation.ephemeral_1h_input_tokens',
    ]),
    output_tokens: firstCount(attributes, OUTPUT_KEYS),
    reasoning_tokens: firstCount(attributes, REASONING_KEYS),
  }
}

/** Instrumentations (scope names) that record Anthropic's input_tokens without the cache. */
const ANTHROPIC_INPUT_WITHOUT_CACHE: ReadonlySet<string> = new Set(['@traceloop/instrumentation-anthropic'])

const ATTRIBUTION: ReadonlySet<string> = new Set(ATTRIBUTION_FIELDS)
/** The longest tag key, and the longest label an event keeps (cost-event-schema.ts; attribution: 500). */
const MAX_TAG_KEY = 200
const MAX_LABEL = 500

/**
 * Tags from OpenLLMetry's association properties and the AI SDK's telemetry metadata; a key that names an attribution field (`feature`, `customer_id`,
 * `user_id`, …) fills that field instead. The span's service is a tag too (`service.name`).
 */
function tagsOf(span: OtlpSpan): { tags: Record<string, string>; attribution: Record<string, string> } {
  const tags: Record<string, string> = {}
  const attribution: Record<string, string> = {}
  for (const [key, value] of span.attributes) {
    const prefix = TAG_PREFIXES.find((candidate) => key.startsWith(candidate))
    if (!prefix || key.length === prefix.length) continue
    const name = key.slice(prefix.length)
    // Labels are cut to what an event holds rather than costing the call its event.
    const label = String(value).slice(0, MAX_LABEL)
    if (ATTRIBUTION.has(name)) attribution[name] = label
    else if (name.length <= MAX_TAG_KEY && Object.keys(tags).length < MAX_TAGS - 1) tags[name] = label
  }
  const service = span.resource.get('service.name')
  if (typeof service === 'string' && service.length > 0) tags['service.name'] = service
  return { tags, attribution }
}

/** Nanoseconds as decimal text → milliseconds (a double holds milliseconds of any date exactly). */
function millis(nanos: string): number {
  return Number(BigInt(nanos) / 1_000_000n)
}

function latencyOf(span: OtlpSpan): number | null {
  if (span.startTimeUnixNano === null || span.endTimeUnixNano === null) return null
  const nanos = BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)
  return nanos < 0n ? null : Number(nanos) / 1e6
}

const HEX_TRACE_ID = /^[0-9a-f]{32}$/
const HEX_SPAN_ID = /^[0-9a-f]{16}$/

/** One GenAI span as a CostEvent to validate, or the reason it cannot be one. */
export type SpanEvent = { value: Record<string, unknown> } | { error: string }

/**
 * The CostEvent a span stands for, unpriced (ingest prices it as it prices every event), or null
 * when the span is not one model call (the count-once rule above).
 *
 * The event id is the provider's response id where the span has one (`gen_ai.response.id`, unique
 * per call), else the span's trace and span ids: a span sent again is stored once either way, and
 * two instrumentations recording the same call (OpenLLMetry's span around the official Anthropic
 * SDK's own; a LangChain LLM span around the OpenAI client's) make one event, the span that started
 * last (the innermost, closest to the provider) winning as the store keeps the latest `ts`.
 */
export function spanEvent(span: OtlpSpan): SpanEvent | null {
  const { attributes } = span
  if (markedAsWrapper(attributes)) return null
  const rawProvider = firstText(attributes, PROVIDER_KEYS)
  const requestedModel = firstText(attributes, REQUEST_MODEL_KEYS)
  const model = firstText(attributes, RESPONSE_MODEL_KEYS) ?? requestedModel
  const isAiSdk = text(attributes, 'ai.operationId') !== null
  const hasUsage =
    firstCount(attributes, INPUT_KEYS) !== null ||
    firstCount(attributes, OUTPUT_KEYS) !== null ||
    (isAiSdk && [...attributes.keys()].some((key) => key.startsWith('ai.usage.')))
  // Neither a GenAI provider nor GenAI usage: not a model call (an HTTP span, a database query…).
  if (rawProvider === null && !hasUsage) return null
  const where = `span ${span.spanId || '(no id)'} (${span.name || 'unnamed'})`
  if (!HEX_TRACE_ID.test(span.traceId) || !HEX_SPAN_ID.test(span.spanId) || /^0+$/.test(span.spanId))
    return { error: `${where}: traceId must be 16 bytes and spanId 8 bytes, not all zero (hex in OTLP/JSON)` }
  if (span.startTimeUnixNano === null) return { error: `${where}: startTimeUnixNano is missing` }
  if (model === null)
    return { error: `${where}: a GenAI span without a model (gen_ai.request.model or gen_ai.response.model)` }
  if (rawProvider === null)
    return { error: `${where}: a GenAI span without a provider (gen_ai.provider.name or gen_ai.system)` }

  const { provider, family, operation } = providerOf(rawProvider)
  const usage = isAiSdk
    ? aiSdkUsage(attributes, family)
    : conventionUsage(attributes, family, span.scope.name)
  const { tags, attribution } = tagsOf(span)
  const functionId = text(attributes, 'ai.telemetry.functionId')
  const environment = firstText(span.resource, ENVIRONMENT_KEYS) ?? firstText(attributes, ENVIRONMENT_KEYS)
  const cost = numberOf(attributes, COST_KEYS)
  const ttft = numberOf(attributes, ['ai.response.msToFirstChunk'])
  const responseId = firstText(attributes, ['gen_ai.response.id', 'ai.response.id'])
  const value: Record<string, unknown> = {
    event_id: responseId ? `otlp:${provider}:${responseId}` : `otlp:${span.traceId}:${span.spanId}`,
    ts: millis(span.startTimeUnixNano),
    latency_ms: latencyOf(span),
    ttft_ms: ttft,
    provider,
    operation: operationOf(attributes, family, operation),
    model,
    requested_model: requestedModel,
    // The request id of the provider's header where the span has it (Anthropic's SDK), else the response's id.
    provider_request_id: firstText(attributes, ['anthropic.request.id']) ?? responseId,
    ...usage,
    feature: functionId,
    session_id: firstText(attributes, SESSION_KEYS),
    user_id: firstText(attributes, USER_KEYS),
    environment,
    ...attribution,
    tags,
    service_tier: firstText(attributes, [
      'gen_ai.openai.response.service_tier',
      'openai.response.service_tier',
    ]),
    streamed:
      text(attributes, 'ai.operationId')?.endsWith('.doStream') === true ||
      attributes.get('gen_ai.request.stream') === true ||
      attributes.get('llm.is_streaming') === true,
    status: span.failed ? 'error' : 'ok',
    error_type: span.failed ? (text(attributes, 'error.type') ?? 'span_error') : null,
    sdk: `otlp ${span.scope.name || 'unknown'}${span.scope.version ? ` ${span.scope.version}` : ''}`.slice(
      0,
      100,
    ),
  }
  if (cost !== null) value.cost_usd = cost
  return { value }
}

/** The first of `keys` as a finite number (costs are fractional, unlike counts). */
function numberOf(attributes: Attributes, keys: readonly string[]): number | null {
  for (const key of keys) {
    const value: AttributeValue | undefined = attributes.get(key)
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
    if (typeof number === 'number' && Number.isFinite(number)) return number
  }
  return null
}
