import { IngestError } from '../ingest/ingest-error.js'
import type { BatchItem } from '../ingest/ingest-events.js'
import { spanEvent } from './genai-span.js'
import { decodeTraceRequest } from './otlp-protobuf.js'
import { type IdEncoding, spansOf } from './otlp-spans.js'

/** How a POST /v1/traces body is encoded (its content type). */
export type OtlpEncoding = 'json' | 'protobuf'

/** The OTLP encoding a content type names, or null for one that is not OTLP's. */
export function otlpEncoding(contentType: string | undefined): OtlpEncoding | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase()
  if (type === 'application/json') return 'json'
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf'
  return null
}

function parse(decoded: Uint8Array, encoding: OtlpEncoding): { request: unknown; ids: IdEncoding } {
  if (encoding === 'protobuf') {
    try {
      return { request: decodeTraceRequest(decoded), ids: 'base64' }
    } catch (error) {
      throw new IngestError(
        'bad_request',
        `the body is not a protobuf ExportTraceServiceRequest (${(error as Error).message})`,
      )
    }
  }
  const text = Buffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength).toString('utf8')
  try {
    return { request: JSON.parse(text) as unknown, ids: 'hex' }
  } catch (error) {
    throw new IngestError('bad_request', `the body is not valid JSON (${(error as Error).message})`)
  }
}

/**
 * The model calls of a decompressed ExportTraceServiceRequest as ingest items: one CostEvent per
 * GenAI span that is one model call (genai-span.ts), or the reason such a span cannot be one.
 * Other spans are left out: an export without any model call is valid, and stores nothing.
 *
 * Two instrumentations of one call nest their spans (OpenLLMetry's around the official Anthropic
 * SDK's own): where a model-call span's parent is a model-call span of the same export, only the
 * inner one counts, being the closer to the provider. Exporters batch a trace's spans together
 * (a child ends milliseconds before its parent), so both are almost always in one export; an
 * exporter that sends every span alone (OpenLLMetry's `disableBatch`) defeats this (docs/otlp.md).
 */
export function otlpItems(decoded: Uint8Array, encoding: OtlpEncoding): BatchItem[] {
  const { request, ids } = parse(decoded, encoding)
  const calls: { key: string; item: BatchItem }[] = []
  const parentsOfCalls = new Set<string>()
  for (const span of spansOf(request, ids)) {
    const item = spanEvent(span)
    if (!item) continue
    calls.push({ key: `${span.traceId}:${span.spanId}`, item })
    if (span.parentSpanId) parentsOfCalls.add(`${span.traceId}:${span.parentSpanId}`)
  }
  return calls.filter((call) => !parentsOfCalls.has(call.key)).map((call) => call.item)
}
