import { emptyUsage, type Usage } from '../../cost-event.js'
import { count, field } from '../count.js'

/**
 * OpenAI Chat Completions `usage` → Usage.
 *
 * Counting rules (provider-usage.md):
 * - `prompt_tokens` ALREADY INCLUDES `prompt_tokens_details.cached_tokens` (and `cache_write_tokens`
 *   where present), so input_tokens = prompt_tokens and the cache counts are subsets of it.
 * - `completion_tokens` ALREADY INCLUDES `completion_tokens_details.reasoning_tokens` (and rejected
 *   prediction tokens), so output_tokens = completion_tokens; reasoning is never added on top.
 */
export function convertOpenAIChatUsage(usage: unknown): Usage {
  return {
    ...emptyUsage(),
    input_tokens: count(field(usage, 'prompt_tokens')),
    cache_read_tokens: count(field(usage, 'prompt_tokens_details', 'cached_tokens')),
    cache_write_tokens: count(field(usage, 'prompt_tokens_details', 'cache_write_tokens')),
    output_tokens: count(field(usage, 'completion_tokens')),
    reasoning_tokens: count(field(usage, 'completion_tokens_details', 'reasoning_tokens')),
    input_audio_tokens: count(field(usage, 'prompt_tokens_details', 'audio_tokens')),
    output_audio_tokens: count(field(usage, 'completion_tokens_details', 'audio_tokens')),
  }
}

/**
 * OpenAI Responses API `usage` → Usage. Same inclusion rules as Chat Completions under other names:
 * `input_tokens` includes `input_tokens_details.cached_tokens`; `output_tokens` includes
 * `output_tokens_details.reasoning_tokens`.
 */
export function convertOpenAIResponsesUsage(usage: unknown): Usage {
  return {
    ...emptyUsage(),
    input_tokens: count(field(usage, 'input_tokens')),
    cache_read_tokens: count(field(usage, 'input_tokens_details', 'cached_tokens')),
    cache_write_tokens: count(field(usage, 'input_tokens_details', 'cache_write_tokens')),
    output_tokens: count(field(usage, 'output_tokens')),
    reasoning_tokens: count(field(usage, 'output_tokens_details', 'reasoning_tokens')),
  }
}

/** OpenAI Embeddings `usage: { prompt_tokens, total_tokens }` → Usage. Embeddings produce no output tokens. */
export function convertOpenAIEmbeddingsUsage(usage: unknown): Usage {
  const input = count(field(usage, 'prompt_tokens'))
  return { ...emptyUsage(), input_tokens: input, output_tokens: input === null ? null : 0 }
}

/**
 * OpenAI Images (GPT image models) `usage` → Usage: `input_tokens` includes
 * `input_tokens_details.image_tokens` (priced apart from text input); `output_tokens` are the
 * generated image's tokens. `images` counts the images returned. DALL·E answers without usage.
 */
export function convertOpenAIImagesUsage(usage: unknown, imageCount: number | null): Usage {
  return {
    ...emptyUsage(),
    input_tokens: count(field(usage, 'input_tokens')),
    input_image_tokens: count(field(usage, 'input_tokens_details', 'image_tokens')),
    output_tokens: count(field(usage, 'output_tokens')),
    images: imageCount,
  }
}

/**
 * OpenAI audio transcription `usage` → Usage. Either `{ type: "tokens", input_tokens,
 * input_token_details: { text_tokens, audio_tokens }, output_tokens }` (note the singular
 * `input_token_details`; input_tokens includes the audio tokens) or `{ type: "duration", seconds }`
 * (whisper-1, billed per second of audio).
 */
export function convertOpenAITranscriptionUsage(usage: unknown): Usage {
  if (field(usage, 'type') === 'duration')
    return { ...emptyUsage(), audio_seconds: count(field(usage, 'seconds')) }
  return {
    ...emptyUsage(),
    input_tokens: count(field(usage, 'input_tokens')),
    input_audio_tokens: count(field(usage, 'input_token_details', 'audio_tokens')),
    output_tokens: count(field(usage, 'output_tokens')),
  }
}
