import type { CallRecord } from '../build-cost-event.js'
import { type CallStatus, emptyUsage, type Tags, type Usage } from '../cost-event.js'
import type { Tracker } from '../tracker.js'

/** How one provider method is observed: what to read from its response, chunks and errors. */
export interface MethodSpec {
  operation: string
  /** The method always answers with a stream (e.g. Gemini's generateContentStream), whatever the body says. */
  alwaysStreams?: boolean
  /** Free by the provider's terms (OpenAI moderations): recorded as a known $0. */
  free?: boolean
  /** The system prompt / instructions of a request, for the optional prompt hash. Read, never kept. */
  promptText?(body: Record<string, unknown>): string | undefined
  /** Reads billed units that only the request tells (characters of text to speak). */
  readRequest?(body: Record<string, unknown>, call: TrackedCall): void
  /** May return a changed copy of the request body (never mutates the caller's). */
  prepareBody?(body: Record<string, unknown>, call: TrackedCall): Record<string, unknown>
  /** Reads usage, model and tier from a complete (non-streamed) response. */
  readResponse(data: unknown, call: TrackedCall): void
  /** Reads a streamed chunk; returns true when the chunk exists only because spendlens asked for it. */
  readChunk?(chunk: unknown, call: TrackedCall): boolean
}

/** The state of one in-flight call, from the moment it is made to its one recorded event. */
export class TrackedCall {
  readonly started_at = Date.now()
  private readonly startedPerf = performance.now()
  private firstChunkPerf: number | undefined
  private recorded = false
  usage: Usage = emptyUsage()
  model: string | null = null
  provider_request_id: string | null = null
  service_tier: string | null = null
  batch = false
  http_status: number | null = null
  /** Set by prepareBody when spendlens asked the provider for usage the caller did not request. */
  injectedUsage = false
  /** From the caller's idempotency key: the same logical request keeps the same event. */
  event_id: string | undefined
  /** Hashed into a prompt_id when the event is built, off the caller's path; never stored. */
  promptText: string | undefined

  constructor(
    private readonly tracker: Tracker,
    readonly provider: string,
    readonly spec: MethodSpec,
    readonly tags: Tags,
    readonly requested_model: string | null,
    readonly streamed: boolean,
  ) {}

  markChunk() {
    this.firstChunkPerf ??= performance.now()
  }

  finish(status: CallStatus, error?: unknown) {
    if (this.recorded) return
    this.recorded = true
    const errorInfo = error === undefined ? undefined : describeError(error)
    const record: CallRecord = {
      event_id: this.event_id,
      prompt_text: this.promptText,
      free: this.spec.free,
      started_at: this.started_at,
      latency_ms: round(performance.now() - this.startedPerf),
      ttft_ms: this.firstChunkPerf === undefined ? null : round(this.firstChunkPerf - this.startedPerf),
      provider: this.provider,
      operation: this.spec.operation,
      requested_model: this.requested_model,
      model: this.model,
      provider_request_id: errorInfo?.requestId ?? this.provider_request_id,
      tags: this.tags,
      usage: this.usage,
      service_tier: this.service_tier,
      batch: this.batch,
      status: errorInfo?.cancelled ? 'cancelled' : status,
      // A stream that started but did not finish never got the provider's final count.
      cost_partial: this.streamed && status !== 'ok' && this.firstChunkPerf !== undefined,
      error_type: errorInfo?.type ?? null,
      http_status: errorInfo?.httpStatus ?? this.http_status,
      streamed: this.streamed,
    }
    this.tracker.record(record)
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000
}

/** The provider SDKs' errors carry `status`, `requestID` and a class name such as `RateLimitError`. */
function describeError(error: unknown) {
  const object = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>
  const type =
    (typeof object.constructor === 'function' && object.constructor !== Object && object.constructor.name) ||
    (typeof object.name === 'string' ? object.name : 'Error')
  const status = typeof object.status === 'number' ? object.status : null
  const requestId = typeof object.requestID === 'string' ? object.requestID : null
  return {
    type,
    httpStatus: status,
    requestId,
    // fetch rejects an aborted request with a DOMException named AbortError (@google/genai passes it on).
    cancelled: type === 'APIUserAbortError' || type === 'AbortError' || object.name === 'AbortError',
  }
}
