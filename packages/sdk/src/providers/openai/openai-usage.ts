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
 * The Responses API's tool calls that OpenAI bills per call, counted from the response's `output`
 * items (the usage object does not count them):
 * - `web_search_call` with action `search` (or none): one billed search each. `open_page` and
 *   `find_in_page` actions read a page already found and carry no call fee.
 * - `file_search_call`: one billed file search each.
 * - `code_interpreter_call`: billed per container session, not per call: the distinct
 *   `container_id`s the calls ran in, less those `newSession` says are not new (a container an
 *   earlier response of the same tracker ran in, or one the request named: container-memory.ts).
 *   A call without a container id counts as a session of its own.
 * Computer use (`computer_call`) and function calls are billed as tokens only: not counted here.
 * Null for a unit that no item used, so an answer without tools prices exactly as before.
 */
export function countOpenAIToolCalls(
  output: unknown,
  newSession: (containerId: string) => boolean = () => true,
): Pick<Usage, 'web_search_requests' | 'file_search_requests' | 'code_interpreter_sessions'> {
  let webSearches = 0
  let fileSearches = 0
  const containers = new Set<string>()
  let anonymousContainers = 0
  if (Array.isArray(output))
    for (const item of output) {
      const type = field(item, 'type')
      if (type === 'web_search_call') {
        const action = field(item, 'action', 'type')
        if (action === undefined || action === null || action === 'search') webSearches++
      } else if (type === 'file_search_call') fileSearches++
      else if (type === 'code_interpreter_call') {
        const container = field(item, 'container_id')
        if (typeof container === 'string') containers.add(container)
        else anonymousContainers++
      }
    }
  let sessions = anonymousContainers
  for (const container of containers) if (newSession(container)) sessions++
  return {
    web_search_requests: webSearches || null,
    file_search_requests: fileSearches || null,
    // Code ran only in containers already counted: 0 sessions, not "none used" (null).
    code_interpreter_sessions: containers.size + anonymousContainers === 0 ? null : sessions,
  }
}

/**
 * OpenAI Responses API `usage` → the token counts of Usage. Same inclusion rules as Chat
 * Completions under other names: `input_tokens` includes `input_tokens_details.cached_tokens`;
 * `output_tokens` includes `output_tokens_details.reasoning_tokens`. The tool calls billed per call
 * are in the output items, not here (countOpenAIToolCalls).
 */
export function convertOpenAIResponsesTokens(usage: unknown): Usage {
  return {
    ...emptyUsage(),
    input_tokens: count(field(usage, 'input_tokens')),
    cache_read_tokens: count(field(usage, 'input_tokens_details', 'cached_tokens')),
    cache_write_tokens: count(field(usage, 'input_tokens_details', 'cache_write_tokens')),
    output_tokens: count(field(usage, 'output_tokens')),
    reasoning_tokens: count(field(usage, 'output_tokens_details', 'reasoning_tokens')),
  }
}

/** OpenAI Responses API `usage` and the response's `output` items → Usage (tokens and tool calls). */
export function convertOpenAIResponsesUsage(
  usage: unknown,
  output?: unknown,
  newSession?: (containerId: string) => boolean,
): Usage {
  return { ...convertOpenAIResponsesTokens(usage), ...countOpenAIToolCalls(output, newSession) }
}

/** OpenAI Embeddings `usage: { prompt_tokens, total_tokens }` → Usage. Embeddings produce no output tokens. */
export function convertOpenAIEmbeddingsUsage(usage: unknown): Usage {
  const input = count(field(usage, 'prompt_tokens'))
  return { ...emptyUsage(), input_tokens: input, output_tokens: input === null ? null : 0 }
}

/**
 * OpenAI Images (GPT image models) `usage` → Usage, each part at its own catalog rate:
 * - `input_tokens` includes `input_tokens_details.image_tokens` (the input images, priced at the
 *   model's image input rate) and `text_tokens` (the prompt, at its text input rate).
 * - `output_tokens` includes `output_tokens_details.image_tokens` and `text_tokens` where the
 *   answer splits them (gpt-image-1.5 and later: image output $32/M, text output $10/M). Without the
 *   split (gpt-image-1, gpt-image-1-mini) every output token is an image token: the Images API
 *   outputs images, and counting them as text would price them at the text output rate (a third of
 *   the image rate on gpt-image-1.5).
 * - `images` counts the images returned. DALL·E answers without usage.
 */
export function convertOpenAIImagesUsage(usage: unknown, imageCount: number | null): Usage {
  const output = count(field(usage, 'output_tokens'))
  const details = field(usage, 'output_tokens_details')
  return {
    ...emptyUsage(),
    input_tokens: count(field(usage, 'input_tokens')),
    input_image_tokens: count(field(usage, 'input_tokens_details', 'image_tokens')),
    output_tokens: output,
    output_image_tokens: details ? count(field(details, 'image_tokens')) : output,
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
