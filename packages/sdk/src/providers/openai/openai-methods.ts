import type { Usage } from '../../cost-event.js'
import type { MethodSpec, TrackedCall } from '../../record/tracked-call.js'
import { field } from '../count.js'
import {
  convertOpenAIChatUsage,
  convertOpenAIEmbeddingsUsage,
  convertOpenAIImagesUsage,
  convertOpenAIResponsesTokens,
  convertOpenAITranscriptionUsage,
  countOpenAIToolCalls,
} from './openai-usage.js'

function readModelAndTier(source: unknown, call: TrackedCall) {
  const model = field(source, 'model')
  // Azure's first stream chunk (its prompt filter results) names the model as "".
  if (typeof model === 'string' && model !== '') call.model = model
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
 * How one provider's Chat Completions count and stream usage. OpenAI's is below; the providers
 * reached through the same client with another `baseURL` have theirs (providers/compatible/).
 */
export interface ChatDialect {
  /** The provider's `usage` object → Usage, by its own counting rules. */
  convertUsage(usage: unknown): Usage
  /**
   * Whether a stream's usage is asked for with `stream_options.include_usage` when the caller did
   * not: only where the provider honours the field (Mistral rejects it with a 422).
   */
  askForStreamUsage: boolean
  /** The usage a stream chunk carries, when the provider puts it elsewhere than `usage` (Groq). */
  chunkUsage?(chunk: unknown): unknown
  /** The cost the provider says it charged, in US dollars, from its `usage` (OpenRouter, Perplexity). */
  chargedCost?(usage: unknown): number | null
}

export const OPENAI_CHAT: ChatDialect = { convertUsage: convertOpenAIChatUsage, askForStreamUsage: true }

function readChatUsage(usage: unknown, dialect: ChatDialect, call: TrackedCall) {
  call.usage = dialect.convertUsage(usage)
  if (dialect.chargedCost) call.charged_cost_usd = dialect.chargedCost(usage)
}

/**
 * `chat.completions.create` (and, through it, `parse`, `stream` and `runTools`). A streamed Chat Completion carries usage only when the request sets
 * `stream_options.include_usage`; spendlens sets it when the caller did not (and the provider
 * honours it), then hides the extra usage-only chunk and the `usage: null` it adds to every other
 * chunk, so the caller's loop sees exactly what it would have seen unwrapped.
 */
export function chatCompletions(dialect: ChatDialect): MethodSpec {
  return {
    operation: 'chat',
    promptText: (body) => instructionText(body.messages),
    prepareBody(body, call) {
      if (body.stream !== true || !dialect.askForStreamUsage) return body
      const streamOptions = body.stream_options as Record<string, unknown> | null | undefined
      if (streamOptions?.include_usage === true) return body
      call.injectedUsage = true
      return { ...body, stream_options: { ...streamOptions, include_usage: true } }
    },
    readResponse(data, call) {
      readModelAndTier(data, call)
      readChatUsage(field(data, 'usage'), dialect, call)
    },
    readChunk(chunk, call) {
      readModelAndTier(chunk, call)
      const usage = field(chunk, 'usage')
      const elsewhere = usage ? undefined : dialect.chunkUsage?.(chunk)
      if (usage || elsewhere) readChatUsage(usage || elsewhere, dialect, call)
      if (!call.injectedUsage) return false
      const choices = field(chunk, 'choices')
      if (usage && Array.isArray(choices) && choices.length === 0) return true
      if (usage === null) delete (chunk as Record<string, unknown>).usage
      return false
    },
  }
}

export const openaiChat: MethodSpec = chatCompletions(OPENAI_CHAT)

/**
 * How one provider's Responses API counts usage. OpenAI's is below; the providers that offer the
 * Responses API behind the same client with another `baseURL` have theirs (providers/compatible/).
 * The tool calls billed per call are counted from the output items the same way for every one.
 */
export interface ResponsesDialect {
  /** The provider's Responses `usage` → the token counts of Usage, by its own counting rules. */
  convertUsage(usage: unknown): Usage
  /** The cost the provider says it charged, in US dollars, from its `usage` (OpenRouter, Perplexity). */
  chargedCost?(usage: unknown): number | null
}

export const OPENAI_RESPONSES: ResponsesDialect = { convertUsage: convertOpenAIResponsesTokens }

/** The containers each call's request names (`container: 'cntr_…'`): never a new session. */
const namedContainers = new WeakMap<TrackedCall, Set<string>>()

/** The explicit containers of a request's code interpreter tools. */
function requestContainers(tools: unknown): Set<string> | undefined {
  if (!Array.isArray(tools)) return undefined
  const named = new Set<string>()
  for (const tool of tools) {
    const container = field(tool, 'container')
    if (field(tool, 'type') === 'code_interpreter' && typeof container === 'string') named.add(container)
  }
  return named.size > 0 ? named : undefined
}

function readResponsesUsage(response: unknown, dialect: ResponsesDialect, call: TrackedCall) {
  const usage = field(response, 'usage')
  const named = namedContainers.get(call)
  const memory = call.containers
  const newSession = (container: string) => memory.sighted(container) && !named?.has(container)
  call.usage = {
    ...dialect.convertUsage(usage),
    ...countOpenAIToolCalls(field(response, 'output'), newSession),
  }
  if (dialect.chargedCost) call.charged_cost_usd = dialect.chargedCost(usage)
}

/**
 * `responses.create`. Streamed, usage arrives only on the terminal `response.completed` event, whose
 * `response.output` also holds every output item (the tool calls billed per call). A code
 * interpreter container is one session however many responses run code in it: the tracker
 * remembers the containers it counted (container-memory.ts), and a container the request names
 * was created before the call.
 */
export function responsesMethod(dialect: ResponsesDialect): MethodSpec {
  return {
    operation: 'responses',
    promptText: (body) => instructionText(body.input, body.instructions),
    readRequest(body, call) {
      const named = requestContainers(body.tools)
      if (named) namedContainers.set(call, named)
    },
    readResponse(data, call) {
      readModelAndTier(data, call)
      readResponsesUsage(data, dialect, call)
    },
    readChunk(chunk, call) {
      const response = field(chunk, 'response')
      if (!response) return false
      readModelAndTier(response, call)
      if (field(response, 'usage')) readResponsesUsage(response, dialect, call)
      return false
    },
  }
}

export const openaiResponses: MethodSpec = responsesMethod(OPENAI_RESPONSES)

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
