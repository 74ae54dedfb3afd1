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
 * - Modalities (`promptTokensDetails`, `candidatesTokensDetails`: TEXT/IMAGE/AUDIO/VIDEO) are
 *   subsets of the prompt and candidates counts, each priced at its modality's rate where the
 *   catalog has one (audio input on the Flash models, image output on the image models) and at the
 *   text rate otherwise (video and image input on the current models). Image input is left out:
 *   Gemini prices it as text, and the catalog's `input_image_tokens` rate belongs to other providers.
 * - Audio input is reported only when nothing was read from the cache: the catalog then also needs
 *   the cached audio count, which Usage cannot carry, and would refuse to price the call. With a
 *   cache hit, audio is priced at the text rate.
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
  const promptDetails = field(usageMetadata, 'promptTokensDetails')
  const candidateDetails = field(usageMetadata, 'candidatesTokensDetails')
  // The API leaves out counts that are 0 (proto3 JSON): with the prompt counted, no candidates and
  // no thoughts means nothing was generated (a blocked prompt, a first stream chunk).
  const output = sumKnown(candidates, thoughts) ?? (input === null ? null : 0)
  return {
    ...emptyUsage(),
    input_tokens: input,
    cache_read_tokens: cacheRead,
    output_tokens: output,
    reasoning_tokens: thoughts,
    input_audio_tokens: cacheRead ? null : modalityCount(promptDetails, 'AUDIO'),
    input_video_tokens: modalityCount(promptDetails, 'VIDEO'),
    output_audio_tokens: modalityCount(candidateDetails, 'AUDIO'),
    output_image_tokens: modalityCount(candidateDetails, 'IMAGE'),
  }
}

/**
 * Gemini `embedContent` → Usage. Billed by input tokens. Vertex AI answers with each embedding's
 * `statistics.tokenCount` (their sum is the input); the Gemini API answers with no count at all,
 * so the call is recorded without usage and stays `unpriced` (cost unknown, never a guessed $0).
 */
export function convertGoogleEmbeddingUsage(response: unknown): Usage {
  const embeddings = field(response, 'embeddings')
  const counts = Array.isArray(embeddings)
    ? embeddings.map((embedding) => count(field(embedding, 'statistics', 'tokenCount')))
    : []
  const input = counts.includes(null) ? null : sumKnown(...counts)
  return { ...emptyUsage(), input_tokens: input, output_tokens: input === null ? null : 0 }
}
