import { type CallStatus, emptyUsage, type Tags, type Usage } from '../cost-event.js'
import type { ContainerMemory } from '../providers/openai/container-memory.js'
import type { CallRecord } from './build-cost-event.js'
import type { Recorder } from './recorder.js'

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

/**
 * One call, from the moment it is made to its one recorded event. It is itself the CallRecord the
 * tracker prices: the observers fill its fields, `finish()` sets the outcome and hands the call to
 * the recorder, and the event is built from it later, off the caller's path. No copy is made.
 */
export class TrackedCall implements CallRecord {
  /** From the caller's idempotency key: the same logical request keeps the same event. */
  event_id: string | undefined = undefined
  readonly started_at = Date.now()
  /** Set by finish(). */
  latency_ms: number | null = null
  /** Set by finish(), from the first chunk of a stream. */
  ttft_ms: number | null = null
  readonly operation: string
  model: string | null = null
  provider_request_id: string | null = null
  /** Set by wrap() when the call starts: the client's project, or the call's own header. */
  provider_project: string | null = null
  usage: Usage = emptyUsage()
  /** What the provider said it charged (OpenRouter's `usage.cost`); null when it did not say. */
  charged_cost_usd: number | null = null
  service_tier: string | null = null
  batch = false
  /** Set by wrap() when the call starts: the client's deployment type or endpoint, if it prices one. */
  deployment: string | null = null
  /** Set by finish(). */
  status: CallStatus = 'ok'
  /** Set by finish(). */
  cost_partial = false
  /** Set by the AI SDK middleware when a unit billed per call could not be counted (CallRecord). */
  uncounted_units = false
  /** Set by finish(). */
  error_type: string | null = null
  http_status: number | null = null
  readonly free: boolean | undefined
  /** Hashed into a prompt_id when the event is built, off the caller's path; never stored. */
  prompt_text: string | undefined = undefined
  /** Set by prepareBody when spendlens asked the provider for usage the caller did not request. */
  injectedUsage = false
  private readonly startedPerf = performance.now()
  private firstChunkPerf: number | undefined = undefined
  private recorded = false

  constructor(
    private readonly recorder: Recorder,
    readonly provider: string,
    readonly spec: MethodSpec,
    readonly tags: Tags,
    /** The model asked for; a budget handler may switch the call to another before it is sent. */
    public requested_model: string | null,
    readonly streamed: boolean,
  ) {
    this.operation = spec.operation
    this.free = spec.free
  }

  /**
   * True once the call was handed to the recorder. The event is built from this object later, so
   * what observers read after that (a chunk already in flight when the caller gave up) must not
   * be written onto it: it would change an event that, recorded, is already final.
   */
  get finished(): boolean {
    return this.recorded
  }

  /** The tracker's memory of the code-interpreter containers it has counted (container-memory.ts). */
  get containers(): ContainerMemory {
    return this.recorder.containers
  }

  markChunk() {
    this.firstChunkPerf ??= performance.now()
  }

  finish(status: CallStatus, error?: unknown) {
    if (this.recorded) return
    this.recorded = true
    const errorInfo = error === undefined ? undefined : describeError(error)
    this.latency_ms = round(performance.now() - this.startedPerf)
    this.ttft_ms = this.firstChunkPerf === undefined ? null : round(this.firstChunkPerf - this.startedPerf)
    this.provider_request_id = errorInfo?.requestId ?? this.provider_request_id
    this.status = errorInfo?.cancelled ? 'cancelled' : status
    // A stream that started but did not finish never got the provider's final count.
    this.cost_partial = this.streamed && status !== 'ok' && this.firstChunkPerf !== undefined
    this.error_type = errorInfo?.type ?? null
    this.http_status = errorInfo?.httpStatus ?? this.http_status
    this.recorder.record(this)
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
