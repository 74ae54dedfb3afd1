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
 * - Cached content is broken down the same way (`cacheTokensDetails`, subsets of
 *   `cachedContentTokenCount`). Audio-capable models bill cached audio at a cache rate of its own
 *   (the catalog's `cache_audio_read_mtok`, above the text cache rate): with a cache hit on an audio
 *   prompt, the cache's AUDIO count is `cache_read_audio_tokens` (no AUDIO entry in the list: none
 *   of the audio came from the cache, 0). A cache hit on an audio prompt without the list leaves
 *   both audio counts unknown, and the call is priced at the text rates, as before Gemini reported it.
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
  const cacheDetails = field(usageMetadata, 'cacheTokensDetails')
  const audioInput = modalityCount(promptDetails, 'AUDIO')
  // The catalog needs the cached part of the audio whenever audio and a cache hit meet.
  const cachedAudio =
    cacheRead && audioInput
      ? Array.isArray(cacheDetails)
        ? (modalityCount(cacheDetails, 'AUDIO') ?? 0)
        : null
      : null
  // The API leaves out counts that are 0 (proto3 JSON): with the prompt counted, no candidates and
  // no thoughts means nothing was generated (a blocked prompt, a first stream chunk).
  const output = sumKnown(candidates, thoughts) ?? (input === null ? null : 0)
  return {
    ...emptyUsage(),
    input_tokens: input,
    cache_read_tokens: cacheRead,
    output_tokens: output,
    reasoning_tokens: thoughts,
    input_audio_tokens: cacheRead && audioInput && cachedAudio === null ? null : audioInput,
    cache_read_audio_tokens: cachedAudio,
    input_video_tokens: modalityCount(promptDetails, 'VIDEO'),
    output_audio_tokens: modalityCount(candidateDetails, 'AUDIO'),
    output_image_tokens: modalityCount(candidateDetails, 'IMAGE'),
  }
}

/**
 * The Google Search queries a Gemini response ran (Grounding with Google Search), for
 * `web_search_requests`. Counting rules (ai.google.dev/gemini-api/docs/google-search#pricing):
 * - Each candidate's `groundingMetadata.webSearchQueries` lists the queries the model ran; Gemini 3
 *   bills each unique query, and ignores the empty ones (`""`) when counting: so are they here.
 * - Gemini 2.x bills the grounded prompt once, however many queries it ran: the count is still the
 *   queries, and the price (supplement `units`, `per: request`) charges one fee per call that has any.
 * - A stream repeats or spreads the metadata over chunks: the caller adds each chunk's queries to
 *   one set per call (`into`), so a query is counted once.
 * - Grounding with Google Maps reports no search queries (its chunks are `maps`): not counted here.
 */
export function addGroundingQueries(response: unknown, into: Set<string>): void {
  const candidates = field(response, 'candidates')
  if (!Array.isArray(candidates)) return
  for (const candidate of candidates) {
    const queries = field(candidate, 'groundingMetadata', 'webSearchQueries')
    if (!Array.isArray(queries)) continue
    for (const query of queries) if (typeof query === 'string' && query.trim() !== '') into.add(query)
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
