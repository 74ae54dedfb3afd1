import type { Tags } from '../cost-event.js'
import { SpendlensError } from '../errors.js'
import { deploymentTypes } from '../pricing/supplement.js'
import { field } from '../providers/count.js'
import type { Recorder } from '../record/recorder.js'
import { startCall } from '../record/start-call.js'
import type { MethodSpec, TrackedCall } from '../record/tracked-call.js'
import type { Tracker } from '../tracker.js'
import { AiSdkCallUsage } from './ai-sdk-units.js'
import type { ModelFamily } from './ai-sdk-usage.js'

export interface SpendlensMiddlewareOptions {
  /** The tracker that records the calls. Default: the one `init()` configures, as for `wrap()`. */
  tracker?: Tracker
  /** Tags on every call made through this middleware. `withTags()` context wins over them. */
  tags?: Tags
  /**
   * The deployment type or endpoint of the models this middleware wraps, as wrap's `deployment`
   * (Azure `data-zone`, `regional`; Vertex `regional`): applied to the calls of a provider that
   * prices it, ignored for the others.
   */
  deployment?: string
}

/** What the middleware reads of an AI SDK language model: the same in LanguageModelV2 (ai v5) and V3 (ai v6). */
interface LanguageModelInfo {
  readonly provider: string
  readonly modelId: string
}

/** A model a budget handler switches a call to: called with the same parameters instead. */
interface SwitchableModel extends LanguageModelInfo {
  doGenerate(params: unknown): PromiseLike<unknown>
  doStream(params: unknown): PromiseLike<unknown>
}

/**
 * A language model middleware that `wrapLanguageModel` of both `ai` v5 and v6 accept: v6 checks the
 * `specificationVersion: 'v3'` that v5 ignores, and both call `wrapGenerate` / `wrapStream` with
 * the same arguments. The result and the stream go back to the AI SDK unchanged.
 */
export interface SpendlensMiddleware {
  readonly specificationVersion: 'v3'
  wrapGenerate<Result extends object>(options: WrapGenerateOptions<Result>): Promise<Result>
  wrapStream<Result extends StreamResult>(options: WrapStreamOptions<Result>): Promise<Result>
}

interface StreamResult {
  stream: ReadableStream<unknown>
}

interface WrapGenerateOptions<Result> {
  doGenerate: () => PromiseLike<Result>
  params: unknown
  model: LanguageModelInfo
}

interface WrapStreamOptions<Result> {
  doStream: () => PromiseLike<Result>
  params: unknown
  model: LanguageModelInfo
}

/**
 * Provider prefixes of the AI SDK (`xai.chat`) recorded under the id wrap() gives the same provider
 * (the price catalog's, or one it resolves: `bedrock` is its `aws`, `vertex` its `google`).
 */
const CATALOG_PROVIDER_IDS: Record<string, string> = {
  xai: 'x-ai',
  'amazon-bedrock': 'bedrock',
  togetherai: 'together',
}

const OPERATIONS = new Set(['chat', 'responses', 'messages', 'completion'])

/**
 * Who bills a model, from its `provider` (`openai.chat`, `openai.responses`, `anthropic.messages`,
 * `google.generative-ai`, `google.vertex.chat`, `vertex.anthropic.messages`, `groq.chat`, …).
 */
export function describeModelProvider(modelProvider: string): {
  provider: string
  family: ModelFamily
  operation: string
} {
  const parts = modelProvider.toLowerCase().split('.')
  const prefix = parts[0] ?? modelProvider
  // Gemini on Vertex AI (`google.vertex.chat`) is billed by Vertex, as wrap() records it.
  const provider = parts.includes('vertex') ? 'vertex' : (CATALOG_PROVIDER_IDS[prefix] ?? prefix)
  const family: ModelFamily = parts.includes('anthropic')
    ? 'anthropic'
    : prefix === 'google'
      ? 'google'
      : prefix === 'openai' || prefix === 'azure'
        ? 'openai'
        : 'other'
  const last = parts.at(-1) ?? ''
  const operation = family === 'google' ? 'generate_content' : OPERATIONS.has(last) ? last : 'chat'
  return { provider, family, operation }
}

/** The system prompt of a call, for the optional prompt hash (`hashPrompts`). Read, never kept. */
function systemText(params: unknown): string | undefined {
  const prompt = field(params, 'prompt')
  if (!Array.isArray(prompt)) return undefined
  const parts = prompt
    .filter((message) => field(message, 'role') === 'system' && typeof field(message, 'content') === 'string')
    .map((message) => field(message, 'content') as string)
  return parts.length > 0 ? parts.join('\n') : undefined
}

const specs = new Map<string, MethodSpec>()

/**
 * A call wants a method spec; the middleware reads results itself, so only the operation and the
 * system prompt (for the optional prompt hash) come from it.
 */
function specFor(operation: string): MethodSpec {
  let spec = specs.get(operation)
  if (!spec) {
    spec = { operation, promptText: systemText, readResponse() {} }
    specs.set(operation, spec)
  }
  return spec
}

/** Request id (OpenAI `x-request-id`, Anthropic `request-id` headers) and model of a response. */
function readResponseInfo(response: unknown, family: ModelFamily, call: TrackedCall) {
  const headers = field(response, 'headers')
  const requestId = field(headers, 'x-request-id') ?? field(headers, 'request-id')
  if (typeof requestId === 'string') call.provider_request_id = requestId
  // Gemini sends no request id header; its responseId names the response (ai v6 puts it in `id`).
  if (family === 'google' && call.provider_request_id === null) {
    const responseId = field(response, 'id') ?? field(response, 'body', 'responseId')
    if (typeof responseId === 'string') call.provider_request_id = responseId
  }
  const modelId = field(response, 'modelId') ?? field(response, 'body', 'modelVersion')
  if (typeof modelId === 'string' && modelId) call.model = modelId
}

/** The AI SDK's APICallError carries `statusCode` and `responseHeaders`; the call is recorded with them. */
function readError(error: unknown, family: ModelFamily, call: TrackedCall) {
  const status = field(error, 'statusCode')
  if (typeof status === 'number') call.http_status = status
  readResponseInfo({ headers: field(error, 'responseHeaders') }, family, call)
}

function safely(action: () => void) {
  try {
    action()
  } catch {
    // spendlens' own failure never reaches the AI SDK
  }
}

/**
 * Builds the middleware over a tracker's recorder resolved at each call (so `init()` may come
 * later). Public entry point: `spendlensMiddleware()` in index.ts.
 */
export function createSpendlensMiddleware(
  resolveRecorder: () => Recorder | undefined,
  middlewareTags: Tags = {},
  deployment?: string,
): SpendlensMiddleware {
  // The tracker's tags under the middleware's, merged once per recorder rather than on every call.
  let baseRecorder: Recorder | undefined
  let baseTags: Tags = middlewareTags

  function startModelCall(model: LanguageModelInfo, params: unknown, streamed: boolean) {
    try {
      const recorder = resolveRecorder()
      if (!recorder) return undefined
      if (recorder !== baseRecorder) {
        baseTags = { ...recorder.defaultTags, ...middlewareTags }
        baseRecorder = recorder
      }
      const begin = (target: LanguageModelInfo) => {
        const { provider, family, operation } = describeModelProvider(String(target.provider))
        const modelId = typeof target.modelId === 'string' ? target.modelId : null
        const call = startCall(
          recorder,
          provider,
          specFor(operation),
          params as Record<string, unknown>,
          modelId,
          streamed,
          baseTags,
        )
        call.model = modelId
        if (deployment !== undefined && deploymentTypes(provider).includes(deployment))
          call.deployment = deployment
        return { call, family, provider, operation }
      }
      const started = begin(model)
      // The budgets, before the model is called: a spent one throws here, or names a model to call instead.
      const admission =
        recorder.budgets.enabled &&
        recorder.budgets.admit(
          {
            provider: started.provider,
            model: started.call.model,
            operation: started.operation,
            tags: started.call.tags,
            providerProject: null,
            serviceTier: null,
            status: 'ok',
          },
          started.call,
          'object',
        )
      const instead = admission ? (admission.model as SwitchableModel | undefined) : undefined
      if (!instead) return { call: started.call, family: started.family, model: model as SwitchableModel }
      // Another model is another call: its own provider, model and event.
      recorder.budgets.recorded(started.call, undefined)
      const switched = begin(instead)
      return { call: switched.call, family: switched.family, model: instead, instead }
    } catch (error) {
      // A policy the app asked for (required tags, a spent budget) fails at the call site, as with wrap().
      if (SpendlensError.isInstance(error)) throw error
      return undefined
    }
  }

  return {
    specificationVersion: 'v3',

    async wrapGenerate<Result extends object>({
      doGenerate,
      params,
      model,
    }: WrapGenerateOptions<Result>): Promise<Result> {
      const started = startModelCall(model, params, false)
      if (!started) return doGenerate()
      const { call, family, instead } = started
      let result: Result
      try {
        result = instead ? ((await instead.doGenerate(params)) as Result) : await doGenerate()
      } catch (error) {
        safely(() => readError(error, family, call))
        safely(() => call.finish('error', error))
        throw error
      }
      safely(() => {
        // The AI SDK throws APICallError for any other status, so a result means HTTP 200.
        call.http_status = 200
        readResponseInfo(field(result, 'response'), family, call)
        const usage = new AiSdkCallUsage(family, call.operation)
        usage.readResult(result)
        usage.finish(call, field(result, 'usage'), field(result, 'providerMetadata'))
      })
      safely(() => call.finish('ok'))
      return result
    },

    async wrapStream<Result extends StreamResult>({
      doStream,
      params,
      model,
    }: WrapStreamOptions<Result>): Promise<Result> {
      const started = startModelCall(model, params, true)
      if (!started) return doStream()
      const { call, family, instead } = started
      const usage = new AiSdkCallUsage(family, call.operation)
      // The provider's own events, where units are only there: hidden again from a caller who did not ask.
      const callerWantsRaw = field(params, 'includeRawChunks') === true
      const askRaw = usage.wantsRawChunks && !callerWantsRaw && typeof started.model.doStream === 'function'
      let result: Result
      try {
        result = askRaw
          ? ((await started.model.doStream({ ...(params as object), includeRawChunks: true })) as Result)
          : instead
            ? ((await instead.doStream(params)) as Result)
            : await doStream()
      } catch (error) {
        safely(() => readError(error, family, call))
        safely(() => call.finish('error', error))
        throw error
      }
      let stream: ReadableStream<unknown>
      try {
        call.http_status = 200
        readResponseInfo(field(result, 'response'), family, call)
        stream = observeParts(result.stream, family, call, usage, askRaw)
      } catch {
        safely(() => call.finish('ok'))
        return result
      }
      return { ...result, stream }
    },
  }
}

/**
 * The model's stream as the AI SDK would have read it, part for part. Usage arrives on the `finish`
 * part; a stream that errors, carries an `error` part, or ends without `finish` stopped short of the
 * provider's final count; one the AI SDK cancels (the caller stopped reading, an abort) is `cancelled`.
 * Raw parts the middleware asked for (`hideRaw`) are read and not passed on.
 */
function observeParts(
  source: ReadableStream<unknown>,
  family: ModelFamily,
  call: TrackedCall,
  usage: AiSdkCallUsage,
  hideRaw: boolean,
) {
  const reader = source.getReader()
  let finished = false
  let streamError: unknown
  const read = (part: unknown) => {
    const type = field(part, 'type')
    usage.readPart(part)
    if (type === 'raw') return
    if (type !== 'stream-start') call.markChunk()
    if (type === 'response-metadata') {
      const modelId = field(part, 'modelId')
      if (typeof modelId === 'string' && modelId) call.model = modelId
      const id = field(part, 'id')
      if (family === 'google' && call.provider_request_id === null && typeof id === 'string')
        call.provider_request_id = id
    } else if (type === 'finish') {
      finished = true
      usage.finish(call, field(part, 'usage'), field(part, 'providerMetadata'))
    } else if (type === 'error') {
      streamError ??= field(part, 'error') ?? new Error('error part in the model stream')
    }
  }
  return new ReadableStream<unknown>(
    {
      async pull(controller) {
        // One part passed on per pull: a hidden raw part is read and the next one taken.
        for (;;) {
          let step: ReadableStreamReadResult<unknown>
          try {
            step = await reader.read()
          } catch (error) {
            safely(() => call.finish('error', error))
            controller.error(error)
            return
          }
          if (step.done) {
            safely(() => {
              if (streamError !== undefined) {
                readError(streamError, family, call)
                call.finish('error', streamError)
              } else call.finish(finished ? 'ok' : 'error')
            })
            controller.close()
            return
          }
          // A part read after the call finished (cancelled while this read was in flight) must not
          // change the recorded call (see TrackedCall.finished).
          if (!call.finished) safely(() => read(step.value))
          if (hideRaw && field(step.value, 'type') === 'raw') continue
          controller.enqueue(step.value)
          return
        }
      },
      cancel(reason) {
        safely(() => call.finish('cancelled'))
        return reader.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
}
