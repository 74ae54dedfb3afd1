import type { IngestResult } from '../ingest/ingest-events.js'
import type { OtlpEncoding } from './otlp-items.js'
import { encodeStatus, encodeTraceResponse, type TraceResponse } from './otlp-protobuf.js'

/** The reasons sent back for rejected spans: the first few, and how many more there were. */
const MAX_REASONS = 5

/**
 * The ExportTraceServiceResponse for an ingest result: empty when every model call was stored (or
 * was a duplicate), `partialSuccess` with the number of rejected spans and their first reasons
 * otherwise. Rejected spans are not retryable (the exporter must not send them again): the answer
 * is a 200 either way, as the OTLP specification asks.
 */
export function traceResponse(result: IngestResult): TraceResponse {
  if (result.rejected === 0) return {}
  const reasons = result.results
    .filter((item) => item.status === 'rejected')
    .map((item) => `${item.event_id ? `${item.event_id}: ` : ''}${(item.errors ?? []).join('; ')}`)
  const more = reasons.length > MAX_REASONS ? ` (and ${reasons.length - MAX_REASONS} more)` : ''
  return {
    partialSuccess: {
      rejectedSpans: result.rejected,
      errorMessage: `${reasons.slice(0, MAX_REASONS).join(' | ')}${more}`,
    },
  }
}

/** A response body in the request's encoding: protobuf, or OTLP/JSON (int64 as a decimal string). */
export function encodeResponse(response: TraceResponse, encoding: OtlpEncoding): Uint8Array | string {
  if (encoding === 'protobuf') return encodeTraceResponse(response)
  const partial = response.partialSuccess
  return JSON.stringify(
    partial ? { partialSuccess: { ...partial, rejectedSpans: String(partial.rejectedSpans) } } : {},
  )
}

/** gRPC's code for an HTTP status, for google.rpc.Status (the OTLP error body). */
function grpcCode(status: number): number {
  if (status === 400 || status === 415) return 3 // INVALID_ARGUMENT
  if (status === 401) return 16 // UNAUTHENTICATED
  if (status === 403) return 7 // PERMISSION_DENIED
  if (status === 404) return 5 // NOT_FOUND
  if (status === 413 || status === 429) return 8 // RESOURCE_EXHAUSTED
  if (status === 503) return 14 // UNAVAILABLE
  if (status >= 500) return 13 // INTERNAL
  return 2 // UNKNOWN
}

/** The body of an OTLP error answer: google.rpc.Status, in the request's encoding. */
export function encodeErrorStatus(
  status: number,
  message: string,
  encoding: OtlpEncoding,
): Uint8Array | string {
  const code = grpcCode(status)
  return encoding === 'protobuf' ? encodeStatus(code, message) : JSON.stringify({ code, message })
}
