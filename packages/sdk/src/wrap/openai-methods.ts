import { field } from '../providers/count.js'
import {
  convertOpenAIChatUsage,
  convertOpenAIEmbeddingsUsage,
  convertOpenAIResponsesUsage,
} from '../providers/openai-usage.js'
import type { MethodSpec, TrackedCall } from './tracked-call.js'

function readModelAndTier(source: unknown, call: TrackedCall) {
  const model = field(source, 'model')
  if (typeof model === 'string') call.model = model
  const tier = field(source, 'service_tier')
  if (typeof tier === 'string') call.service_tier = tier
}

/**
 * `chat.completions.create`. A streamed Chat Completion carries usage only when the request sets
 * `stream_options.include_usage`; spendlens sets it when the caller did not, then hides the extra
 * usage-only chunk and the `usage: null` it adds to every other chunk, so the caller's loop sees
 * exactly what it would have seen unwrapped.
 */
export const openaiChat: MethodSpec = {
  operation: 'chat',
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

/** `responses.create`. Streamed, usage arrives only on the terminal `response.completed` event. */
export const openaiResponses: MethodSpec = {
  operation: 'responses',
  readResponse(data, call) {
    readModelAndTier(data, call)
    call.usage = convertOpenAIResponsesUsage(field(data, 'usage'))
  },
  readChunk(chunk, call) {
    const response = field(chunk, 'response')
    if (!response) return false
    readModelAndTier(response, call)
    const usage = field(response, 'usage')
    if (usage) call.usage = convertOpenAIResponsesUsage(usage)
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

export const OPENAI_METHODS: Record<string, MethodSpec> = {
  'chat.completions.create': openaiChat,
  'responses.create': openaiResponses,
  'embeddings.create': openaiEmbeddings,
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
