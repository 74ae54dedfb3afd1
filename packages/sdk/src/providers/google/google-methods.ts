import type { MethodSpec, TrackedCall } from '../../record/tracked-call.js'
import { field } from '../count.js'
import { addGroundingQueries, convertGoogleEmbeddingUsage, convertGoogleUsage } from './google-usage.js'

/** The distinct search queries of each call so far (a stream's chunks each may carry some). */
const groundingQueries = new WeakMap<TrackedCall, Set<string>>()

/**
 * The requested model as the catalog names it: the API also accepts `models/gemini-2.5-flash` and
 * Vertex resource names (`publishers/google/models/…`). It stands in for the model until a response
 * names one (`modelVersion`), so a call that fails or is abandoned early is still attributed.
 */
function rememberRequestedModel(body: Record<string, unknown>, call: TrackedCall) {
  if (typeof body.model === 'string') call.model = body.model.replace(/^(.*\/)?models\//, '')
}

/** The system instruction (a string, or the text parts of a Content), for the optional prompt hash. */
function systemInstruction(body: Record<string, unknown>): string | undefined {
  const instruction = field(body, 'config', 'systemInstruction')
  if (typeof instruction === 'string') return instruction
  const parts = Array.isArray(instruction) ? instruction : field(instruction, 'parts')
  if (!Array.isArray(parts)) return undefined
  const texts = parts
    .map((part) => (typeof part === 'string' ? part : field(part, 'text')))
    .filter((text): text is string => typeof text === 'string')
  return texts.length > 0 ? texts.join('\n') : undefined
}

/** Reads model, id and usage from a response or a streamed chunk (each carries all three). */
function readGenerateContentResponse(response: unknown, call: TrackedCall) {
  // `@google/genai` throws ApiError for any other status, so an answer means HTTP 200.
  call.http_status ??= 200
  const model = field(response, 'modelVersion')
  if (typeof model === 'string' && model) call.model = model
  const responseId = field(response, 'responseId')
  if (typeof responseId === 'string' && responseId) call.provider_request_id = responseId
  const usage = field(response, 'usageMetadata')
  if (usage && typeof usage === 'object') call.usage = convertGoogleUsage(usage)
  let queries = groundingQueries.get(call)
  if (field(response, 'candidates') !== undefined) {
    queries ??= new Set()
    addGroundingQueries(response, queries)
    if (queries.size > 0) groundingQueries.set(call, queries)
  }
  // The usage (replaced by each chunk's running total) carries the queries counted so far.
  if (queries && queries.size > 0 && call.usage.input_tokens !== null)
    call.usage = { ...call.usage, web_search_requests: queries.size }
}

/** `models.generateContent` of `@google/genai`. */
export const googleGenerateContent: MethodSpec = {
  operation: 'generate_content',
  readRequest: rememberRequestedModel,
  promptText: systemInstruction,
  readResponse: readGenerateContentResponse,
}

/**
 * `models.generateContentStream`: resolves to an async generator of GenerateContentResponse chunks.
 * Each chunk's usageMetadata is the running total of the request so far (across the client's
 * automatic continuation hops too), so the last one seen replaces the earlier ones.
 */
export const googleGenerateContentStream: MethodSpec = {
  operation: 'generate_content',
  alwaysStreams: true,
  readRequest: rememberRequestedModel,
  promptText: systemInstruction,
  readResponse: readGenerateContentResponse,
  readChunk(chunk, call) {
    readGenerateContentResponse(chunk, call)
    return false
  },
}

/** `models.embedContent`: input tokens only where the answer counts them (convertGoogleEmbeddingUsage). */
export const googleEmbedContent: MethodSpec = {
  operation: 'embeddings',
  readRequest: rememberRequestedModel,
  readResponse(response, call) {
    call.http_status ??= 200
    call.usage = convertGoogleEmbeddingUsage(response)
  },
}

export const GOOGLE_METHODS: Record<string, MethodSpec> = {
  'models.generateContent': googleGenerateContent,
  'models.embedContent': googleEmbedContent,
  'models.generateContentStream': googleGenerateContentStream,
}
