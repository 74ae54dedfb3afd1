import { emptyUsage, type Usage } from '../cost-event.js'
import { convertAnthropicUsage } from '../providers/anthropic/anthropic-usage.js'
import { compatibleProvider } from '../providers/compatible/compatible-providers.js'
import { count, field, sumKnown } from '../providers/count.js'
import { addGroundingQueries, convertGoogleUsage } from '../providers/google/google-usage.js'
import { convertOpenAIChatUsage, convertOpenAIResponsesUsage } from '../providers/openai/openai-usage.js'

/** The provider families whose raw usage spendlens has its own converter for. */
export type ModelFamily = 'openai' | 'anthropic' | 'google' | 'other'

/** The provider's own usage object, where the AI SDK passes it on. */
export function providerUsage(family: ModelFamily, usage: unknown, providerMetadata: unknown): unknown {
  const raw = field(usage, 'raw') // ai v6 (LanguageModelV3Usage.raw)
  if (raw && typeof raw === 'object') return raw
  // ai v5 and v6 alike put it in the provider metadata for these two.
  if (family === 'anthropic') return field(providerMetadata, 'anthropic', 'usage')
  if (family === 'google') return field(providerMetadata, 'google', 'usageMetadata')
  return undefined
}

function fromRawUsage(
  family: ModelFamily,
  raw: unknown,
  providerMetadata: unknown,
  provider: string | undefined,
): Usage | undefined {
  if (!raw || typeof raw !== 'object') return undefined
  // xAI, DeepSeek, Groq…: their Chat Completions usage, through the converter wrap() uses for them.
  const compatible = family === 'other' && provider !== undefined ? compatibleProvider(provider) : undefined
  if (compatible && 'prompt_tokens' in raw) return compatible.convertUsage(raw)
  // …and their Responses API usage (xai.responses(), say), by their Responses rules.
  if (compatible?.responses && 'input_tokens' in raw) return compatible.responses.convertUsage(raw)
  if (family === 'google' && 'promptTokenCount' in raw) return convertGoogleUsage(raw)
  // The code-execution container the AI SDK passes beside the usage (v5 and v6).
  if (family === 'anthropic' && 'input_tokens' in raw)
    return convertAnthropicUsage(raw, field(providerMetadata, 'anthropic', 'container'))
  if (family === 'openai' && 'prompt_tokens' in raw) return convertOpenAIChatUsage(raw)
  if (family === 'openai' && 'input_tokens' in raw) return convertOpenAIResponsesUsage(raw)
  return undefined
}

/** ai v6 `{ inputTokens: { total, noCache, cacheRead, cacheWrite }, outputTokens: { total, text, reasoning } }`. */
function fromV3Usage(usage: unknown): Usage {
  const cacheRead = count(field(usage, 'inputTokens', 'cacheRead'))
  const cacheWrite = count(field(usage, 'inputTokens', 'cacheWrite'))
  const input =
    count(field(usage, 'inputTokens', 'total')) ??
    sumKnown(count(field(usage, 'inputTokens', 'noCache')), cacheRead, cacheWrite)
  const reasoning = count(field(usage, 'outputTokens', 'reasoning'))
  const output =
    count(field(usage, 'outputTokens', 'total')) ??
    sumKnown(count(field(usage, 'outputTokens', 'text')), reasoning)
  return {
    ...emptyUsage(),
    input_tokens: input,
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
    output_tokens: output,
    reasoning_tokens: reasoning,
  }
}

/** ai v5 flat `{ inputTokens, outputTokens, totalTokens, reasoningTokens?, cachedInputTokens? }`, per provider. */
function fromV2Usage(family: ModelFamily, usage: unknown, providerMetadata: unknown): Usage {
  const input = count(field(usage, 'inputTokens'))
  const cacheRead = count(field(usage, 'cachedInputTokens'))
  const output = count(field(usage, 'outputTokens'))
  const reasoning = count(field(usage, 'reasoningTokens'))
  const result: Usage = {
    ...emptyUsage(),
    input_tokens: input,
    cache_read_tokens: cacheRead,
    output_tokens: output,
    reasoning_tokens: reasoning,
  }
  if (family === 'anthropic') {
    // @ai-sdk/anthropic v2 passes Anthropic's input_tokens, which leave out cache reads and writes.
    const cacheWrite = count(field(providerMetadata, 'anthropic', 'cacheCreationInputTokens'))
    result.input_tokens = input === null ? null : sumKnown(input, cacheRead, cacheWrite)
    result.cache_write_tokens = cacheWrite
  }
  if (family === 'google') {
    // @ai-sdk/google v2 passes candidatesTokenCount as outputTokens: thoughts are outside it.
    result.output_tokens = output === null ? null : sumKnown(output, reasoning)
  }
  return result
}

/**
 * The usage an AI SDK language model reports (the provider-level usage a middleware sees) → Usage.
 *
 * Counting rules:
 * - Where the provider's own usage object is passed on (ai v6 `usage.raw`; `providerMetadata.anthropic
 *   .usage` and `providerMetadata.google.usageMetadata` in v5 and v6), it goes through the same
 *   converter as a wrapped client, so both paths count alike, with 1-hour cache writes, web searches
 *   and Gemini's tool-use prompt tokens that the AI SDK's summary drops (with Anthropic's
 *   code-execution container from `providerMetadata.anthropic.container`; the units only the
 *   provider's full answer tells are counted in ai-sdk-units.ts). An OpenAI-compatible
 *   provider's (`provider`: xAI, DeepSeek, …) goes through that provider's converter.
 * - ai v6 summary: `inputTokens.total` includes cache reads and writes; `outputTokens.total`
 *   includes reasoning. Taken as they are.
 * - ai v5 summary means different things per provider: OpenAI's inputTokens include the cached
 *   tokens and outputTokens the reasoning; Anthropic's inputTokens EXCLUDE cache reads
 *   (`cachedInputTokens`) and writes (`providerMetadata.anthropic.cacheCreationInputTokens`), which
 *   are added; Google's outputTokens EXCLUDE the thoughts (`reasoningTokens`), which are added.
 */
export function convertAiSdkUsage(
  family: ModelFamily,
  usage: unknown,
  providerMetadata: unknown,
  provider?: string,
): Usage {
  const converted = convertTokens(family, usage, providerMetadata, provider)
  return family === 'google' ? withGroundingQueries(converted, providerMetadata) : converted
}

function convertTokens(family: ModelFamily, usage: unknown, providerMetadata: unknown, provider?: string) {
  const fromRaw = fromRawUsage(
    family,
    providerUsage(family, usage, providerMetadata),
    providerMetadata,
    provider,
  )
  if (fromRaw) return fromRaw
  if (!usage || typeof usage !== 'object') return emptyUsage()
  const inputTokens = field(usage, 'inputTokens')
  return typeof inputTokens === 'object' && inputTokens !== null
    ? fromV3Usage(usage)
    : fromV2Usage(family, usage, providerMetadata)
}

/**
 * Gemini's search queries (Grounding with Google Search), which @ai-sdk/google passes on as
 * `providerMetadata.google.groundingMetadata`: counted as wrap() counts them (addGroundingQueries).
 */
function withGroundingQueries(usage: Usage, providerMetadata: unknown): Usage {
  const groundingMetadata = field(providerMetadata, 'google', 'groundingMetadata')
  if (!groundingMetadata || usage.input_tokens === null) return usage
  const queries = new Set<string>()
  addGroundingQueries({ candidates: [{ groundingMetadata }] }, queries)
  return queries.size > 0 ? { ...usage, web_search_requests: queries.size } : usage
}
