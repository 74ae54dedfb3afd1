import { emptyUsage, type Usage } from '../../cost-event.js'
import { count, field, sumKnown } from '../count.js'

/** The token count a `…TokensDetails` list gives one modality (e.g. `AUDIO`), null when absent. */
function modalityCount(details: unknown, modality: string): number | null {
  if (!Array.isArray(details)) return null
  for (const item of details)
    if (field(item, 'modality') === modality) return count(field(item, 'tokenCount'))
  return null
}

/**
 * Gemini `usageMetadata` (Gemini API and Vertex AI, `@google/genai` or REST) → Usage.
 *
 * Counting rules (provider-usage.md), not the same as OpenAI's nor Anthropic's:
 * - `promptTokenCount` INCLUDES `cachedContentTokenCount`: the cache read is a subset of the input.
 * - `toolUsePromptTokenCount` (results of tools Google ran, such as Search grounding, fed back to the
 *   model) is NOT part of `promptTokenCount` and is billed as input: input = prompt + toolUsePrompt.
 * - `thoughtsTokenCount` is NOT part of `candidatesTokenCount` and is billed at the output rate:
 *   output = candidates + thoughts, with reasoning = thoughts as a subset (never added a second time).
 *   Pricing candidates alone is how thinking models end up below the invoice.
 * - Audio input has its own rate on some models. It is reported only when nothing was read from the
 *   cache: the catalog then also needs the cached audio count, which Usage cannot carry, and would
 *   refuse to price the call. With a cache hit, audio is priced at the text rate.
 * - In a stream each chunk's usageMetadata is the running total so far: the caller passes the last
 *   one, never a sum.
 */
export function convertGoogleUsage(usageMetadata: unknown): Usage {
  const prompt = count(field(usageMetadata, 'promptTokenCount'))
  const toolUsePrompt = count(field(usageMetadata, 'toolUsePromptTokenCount'))
  const candidates = count(field(usageMetadata, 'candidatesTokenCount'))
  const thoughts = count(field(usageMetadata, 'thoughtsTokenCount'))
  const cacheRead = count(field(usageMetadata, 'cachedContentTokenCount'))
  const input = sumKnown(prompt, toolUsePrompt)
  // The API leaves out counts that are 0 (proto3 JSON): with the prompt counted, no candidates and
  // no thoughts means nothing was generated (a blocked prompt, a first stream chunk).
  const output = sumKnown(candidates, thoughts) ?? (input === null ? null : 0)
  return {
    ...emptyUsage(),
    input_tokens: input,
    cache_read_tokens: cacheRead,
    output_tokens: output,
    reasoning_tokens: thoughts,
    input_audio_tokens: cacheRead
      ? null
      : modalityCount(field(usageMetadata, 'promptTokensDetails'), 'AUDIO'),
  }
}
