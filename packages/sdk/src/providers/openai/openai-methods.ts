import type { MethodSpec, TrackedCall } from '../../record/tracked-call.js'
import { field } from '../count.js'
import {
  convertOpenAIChatUsage,
  convertOpenAIEmbeddingsUsage,
  convertOpenAIImagesUsage,
  convertOpenAIResponsesUsage,
  convertOpenAITranscriptionUsage,
} from './openai-usage.js'

function readModelAndTier(source: unknown, call: TrackedCall) {
  const model = field(source, 'model')
  if (typeof model === 'string') call.model = model
  const tier = field(source, 'service_tier')
  if (typeof tier === 'string') call.service_tier = tier
}

/** Text of a message `content`: a string, or the text parts of an array. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part) => (typeof field(part, 'text') === 'string' ? (field(part, 'text') as string) : ''))
    .join('')
}

/** The system and developer messages of a request, the template part of a prompt. */
function instructionText(messages: unknown, instructions?: unknown): string | undefined {
  const parts: string[] = typeof instructions === 'string' ? [instructions] : []
  if (Array.isArray(messages)) {
    for (const message of messages) {
      const role = field(message, 'role')
      if (role === 'system' || role === 'developer') parts.push(contentText(field(message, 'content')))
    }
  }
  const text = parts.join('\n')
  return text.length > 0 ? text : undefined
}

/**
 * `chat.completions.create` (and, through it, `parse`, `stream` and `runTools`). A streamed Chat Completion carries usage only when the request sets
 * `stream_options.include_usage`; spendlens sets it when the caller did not, then hides the extra
 * usage-only chunk and the `usage: null` it adds to every other chunk, so the caller's loop sees
 * exactly what it would have seen unwrapped.
 */
export const openaiChat: MethodSpec = {
  operation: 'chat',
  promptText: (body) => instructionText(body.messages),
  prepareBody(body, call) {
    if (body.stream !== true) return body
    const streamOptions = body.stream_options as Record<string, unknown> | null | undefined
    if (streamOptions?.include_usage === true) return body
    call.injectedUsage = true
    return { ...body, stream_options: { ...streamOptions, include_usage: true } }
  },
  readResponse(data, call) {
    readModelAndTier(data, call)
    call.usage = convertOpenAIChatUsage(field(data, 'usage'))
  },
  readChunk(chunk, call) {
    readModelAndTier(chunk, call)
    const usage = field(chunk, 'usage')
    if (usage) call.usage = convertOpenAIChatUsage(usage)
    if (!call.injectedUsage) return false
    const choices = field(chunk, 'choices')
    if (usage && Array.isArray(choices) && choices.length === 0) return true
    if (usage === null) delete (chunk as Record<string, unknown>).usage
    return false
  },
}

/**
 * `responses.create`. Streamed, usage arrives only on the terminal `response.completed` event, whose
 * `response.output` also holds every output item (the tool calls billed per call).
 */
export const openaiResponses: MethodSpec = {
  operation: 'responses',
  promptText: (body) => instructionText(body.input, body.instructions),
  readResponse(data, call) {
    readModelAndTier(data, call)
    call.usage = convertOpenAIResponsesUsage(field(data, 'usage'), field(data, 'output'))
  },
  readChunk(chunk, call) {
    const response = field(chunk, 'response')
    if (!response) return false
    readModelAndTier(response, call)
    const usage = field(response, 'usage')
    if (usage) call.usage = convertOpenAIResponsesUsage(usage, field(response, 'output'))
    return false
  },
}

/** `embeddings.create`. */
export const openaiEmbeddings: MethodSpec = {
  operation: 'embeddings',
  readResponse(data, call) {
    readModelAndTier(data, call)
    call.usage = convertOpenAIEmbeddingsUsage(field(data, 'usage'))
  },
}

/** `images.generate` and `images.edit`. The response names no model: the requested one is used. */
export const openaiImages: MethodSpec = {
  operation: 'images',
  readResponse(data, call) {
    const images = field(data, 'data')
    call.usage = convertOpenAIImagesUsage(field(data, 'usage'), Array.isArray(images) ? images.length : null)
  },
  readChunk(chunk, call) {
    // Streamed image generation ends with `image_generation.completed` / `image_edit.completed`.
    const usage = field(chunk, 'usage')
    if (usage) call.usage = convertOpenAIImagesUsage(usage, 1)
    return false
  },
}

/**
 * `audio.transcriptions.create`. Only JSON answers carry usage; `response_format: "text"` (or srt,
 * vtt) returns bare text and the call is recorded without usage (cost unknown).
 */
export const openaiTranscription: MethodSpec = {
  operation: 'audio.transcription',
  readResponse(data, call) {
    const usage = field(data, 'usage')
    if (usage) call.usage = convertOpenAITranscriptionUsage(usage)
  },
  readChunk(chunk, call) {
    if (field(chunk, 'type') !== 'transcript.text.done') return false
    const usage = field(chunk, 'usage')
    if (usage) call.usage = convertOpenAITranscriptionUsage(usage)
    return false
  },
}

/**
 * `audio.speech.create`. The answer is the audio itself, without usage. tts-1 and tts-1-hd bill per
 * character of input, which the request tells; token-priced speech models stay unpriced.
 */
export const openaiSpeech: MethodSpec = {
  operation: 'audio.speech',
  readRequest(body, call) {
    if (typeof body.input === 'string') call.usage = { ...call.usage, input_characters: body.input.length }
  },
  readResponse() {},
}

/** `moderations.create`: free, still counted as a request. */
export const openaiModerations: MethodSpec = {
  operation: 'moderations',
  free: true,
  readResponse(data, call) {
    readModelAndTier(data, call)
  },
}

export const OPENAI_METHODS: Record<string, MethodSpec> = {
  'chat.completions.create': openaiChat,
  'responses.create': openaiResponses,
  'embeddings.create': openaiEmbeddings,
  'images.generate': openaiImages,
  'images.edit': openaiImages,
  'audio.transcriptions.create': openaiTranscription,
  'audio.speech.create': openaiSpeech,
  'moderations.create': openaiModerations,
}

/** OpenAI-compatible providers reached through the official client with another `baseURL`. */
const COMPATIBLE_HOSTS: [RegExp, string][] = [
  [/(^|\.)openai\.azure\.com$/, 'azure'],
  [/(^|\.)deepseek\.com$/, 'deepseek'],
  [/(^|\.)groq\.com$/, 'groq'],
  [/(^|\.)together\.(xyz|ai)$/, 'together'],
  [/(^|\.)openrouter\.ai$/, 'openrouter'],
  [/(^|\.)x\.ai$/, 'x-ai'],
  [/(^|\.)mistral\.ai$/, 'mistral'],
  [/(^|\.)fireworks\.ai$/, 'fireworks'],
]

/** The provider behind an OpenAI client, from its base URL; `openai` when the host is not a known other one. */
export function providerFromBaseURL(baseURL: unknown): string {
  if (typeof baseURL !== 'string') return 'openai'
  let host: string
  try {
    host = new URL(baseURL).hostname
  } catch {
    return 'openai'
  }
  for (const [pattern, provider] of COMPATIBLE_HOSTS) if (pattern.test(host)) return provider
  return 'openai'
}
