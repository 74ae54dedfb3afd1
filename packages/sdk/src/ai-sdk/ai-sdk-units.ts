import type { Usage } from '../cost-event.js'
import { anthropicStreamContainer } from '../providers/anthropic/anthropic-methods.js'
import { convertAnthropicUsage } from '../providers/anthropic/anthropic-usage.js'
import { field } from '../providers/count.js'
import { countOpenAIToolCalls } from '../providers/openai/openai-usage.js'
import type { TrackedCall } from '../record/tracked-call.js'
import { convertAiSdkUsage, type ModelFamily, providerUsage } from './ai-sdk-usage.js'

/**
 * The usage of one AI SDK model call with the units billed per call that the AI SDK's usage leaves
 * out, counted from the provider's own answer by the functions wrap() uses, so both paths price
 * the same answer alike.
 *
 * Where each unit is found (ai v5 and v6 alike):
 * - OpenAI Responses API tool calls (web searches, file searches, code interpreter sessions) are
 *   only in the response's `output` items (countOpenAIToolCalls). Generate: `response.body`, the
 *   raw response. Stream: the raw `response.completed` (or `response.incomplete`) event, which the
 *   middleware asks for with `includeRawChunks`: the parts the AI SDK derives do not tell a billed
 *   search from an opened page.
 * - Anthropic web searches and web fetches (`usage.server_tool_use`) are in Anthropic's usage
 *   object, which the AI SDK passes on (convertAiSdkUsage). The code-execution container: generate
 *   `response.body.container`; stream: the raw `message_start` / `message_delta` events (ai v6's
 *   provider forgets a `message_start` container at the next `message_delta`, v5's never reads it
 *   there), else `providerMetadata.anthropic.container`.
 * - Gemini: wrap() counts no unit per call either; tool-use prompt tokens and modalities are in
 *   `usageMetadata`, which convertAiSdkUsage reads.
 *
 * A tool the provider ran (a `providerExecuted` tool call) with nothing to count it from (a model
 * that passes neither the body nor raw events on, Anthropic without its usage object, a provider
 * spendlens has no counter for through the AI SDK) leaves the call `uncounted_units`: its cost is
 * a lower bound, `estimated`, never a silent under-count.
 */
export class AiSdkCallUsage {
  /** Units counted from the provider's answer, replacing what the AI SDK's usage says of them. */
  private counted: Partial<Usage> | undefined = undefined
  /** The Responses API's answer (the body or the raw `response.completed`) was read. */
  private answerRead = false
  /** A tool the provider ran was seen. */
  private providerRan = false

  constructor(
    private readonly family: ModelFamily,
    private readonly operation: string,
  ) {}

  private get responsesApi(): boolean {
    return this.family === 'openai' && this.operation === 'responses'
  }

  /** Whether a stream is read with its raw events: where units are only in the provider's own events. */
  get wantsRawChunks(): boolean {
    return this.responsesApi || this.family === 'anthropic'
  }

  /** A `doGenerate` result: the raw response body and the content parts. */
  readResult(result: unknown) {
    const body = field(result, 'response', 'body')
    if (body && typeof body === 'object') {
      if (this.responsesApi) this.readResponse(body)
      else if (this.family === 'anthropic') this.readContainer(field(body, 'container'))
    }
    const content = field(result, 'content')
    if (Array.isArray(content)) for (const part of content) this.readPart(part)
  }

  /** One part of a model stream (or of a generate result's content). */
  readPart(part: unknown) {
    const type = field(part, 'type')
    if (type === 'raw') this.readRawEvent(field(part, 'rawValue'))
    else if (type === 'tool-call' && field(part, 'providerExecuted') === true) this.providerRan = true
  }

  private readRawEvent(event: unknown) {
    if (this.responsesApi) {
      const type = field(event, 'type')
      if (type === 'response.completed' || type === 'response.incomplete')
        this.readResponse(field(event, 'response'))
    } else if (this.family === 'anthropic') {
      const container = anthropicStreamContainer(event)
      if (container) this.readContainer(container)
    }
  }

  /** An OpenAI Responses API response: its output items are the tool calls billed per call. */
  private readResponse(response: unknown) {
    const output = field(response, 'output')
    if (!Array.isArray(output)) return
    this.answerRead = true
    this.counted = countOpenAIToolCalls(output)
  }

  /** Anthropic's code-execution container (or none) as the answer names it. */
  private readContainer(container: unknown) {
    const sessions = convertAnthropicUsage(undefined, container).code_interpreter_sessions
    if (sessions !== null) this.counted = { code_interpreter_sessions: sessions }
  }

  /** Sets the call's usage from the AI SDK's `usage` and `providerMetadata` and the units counted. */
  finish(call: TrackedCall, usage: unknown, providerMetadata: unknown) {
    const converted = convertAiSdkUsage(this.family, usage, providerMetadata, call.provider)
    call.usage = this.counted ? { ...converted, ...this.counted } : converted
    if (!this.providerRan) return
    call.uncounted_units = this.responsesApi
      ? !this.answerRead
      : this.family === 'anthropic'
        ? providerUsage(this.family, usage, providerMetadata) === undefined
        : this.family !== 'google'
  }
}
