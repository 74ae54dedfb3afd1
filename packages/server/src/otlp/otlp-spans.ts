import { IngestError } from '../ingest/ingest-error.js'

/** An attribute's value as the mapping reads it: scalars only (arrays and maps are never needed). */
export type AttributeValue = string | number | boolean

export type Attributes = ReadonlyMap<string, AttributeValue>

/** One span of an ExportTraceServiceRequest with what the mapping needs of its resource and scope. */
export interface OtlpSpan {
  /** Lower-case hex (32 and 16 digits in a valid span; checked where an event is made of it). */
  traceId: string
  spanId: string
  /** Empty for a root span. */
  parentSpanId: string
  name: string
  /** Nanoseconds since the epoch, as decimal text (int64 does not fit a double). */
  startTimeUnixNano: string | null
  endTimeUnixNano: string | null
  /** The span's status is ERROR (code 2). */
  failed: boolean
  attributes: Attributes
  resource: Attributes
  scope: { name: string; version: string }
}

/**
 * How the body spelled bytes: OTLP/JSON writes trace and span ids as hex; the protobuf decoder
 * (otlp-protobuf.ts) hands them over as base64, protobuf's own JSON mapping.
 */
export type IdEncoding = 'hex' | 'base64'

type Json = Record<string, unknown>

/**
 * A field of a message in its JSON form: lowerCamelCase as OTLP/JSON writes it, or the .proto's
 * snake_case name, which protobuf's JSON mapping also accepts.
 */
function member(message: unknown, camel: string, snake: string = camel): unknown {
  if (message === null || typeof message !== 'object') return undefined
  const object = message as Json
  return object[camel] ?? object[snake]
}

function list(message: unknown, camel: string, snake?: string): unknown[] {
  const value = member(message, camel, snake)
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw new IngestError('bad_request', `${camel} must be an array`)
  return value
}

/** An AnyValue as a scalar; arrays, maps and bytes are left out (undefined). */
function scalar(value: unknown): AttributeValue | undefined {
  if (value === null || typeof value !== 'object') return undefined
  const string = member(value, 'stringValue', 'string_value')
  if (typeof string === 'string') return string
  const boolean = member(value, 'boolValue', 'bool_value')
  if (typeof boolean === 'boolean') return boolean
  // int64: a decimal string in OTLP/JSON and from the protobuf decoder, a number from lenient senders.
  const integer = member(value, 'intValue', 'int_value')
  if (typeof integer === 'number') return integer
  if (typeof integer === 'string' && /^-?\d{1,19}$/.test(integer)) return Number(integer)
  const double = member(value, 'doubleValue', 'double_value')
  if (typeof double === 'number') return double
  if (typeof double === 'string' && double.trim() !== '' && Number.isFinite(Number(double)))
    return Number(double)
  return undefined
}

/** A KeyValue list as a map; entries that are not a key and a scalar are skipped. */
function attributes(message: unknown): Map<string, AttributeValue> {
  const map = new Map<string, AttributeValue>()
  for (const entry of list(message, 'attributes')) {
    const key = member(entry, 'key')
    if (typeof key !== 'string') continue
    const value = scalar(member(entry, 'value'))
    if (value !== undefined) map.set(key, value)
  }
  return map
}

function id(value: unknown, encoding: IdEncoding): string {
  if (typeof value !== 'string') return ''
  return encoding === 'hex' ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex')
}

function nanos(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value)
  if (typeof value === 'string' && /^\d{1,20}$/.test(value) && !/^0+$/.test(value)) return value
  return null
}

/** Status code ERROR in OTLP/JSON's integer form (or the enum's name, from lenient senders). */
function failed(status: unknown): boolean {
  const code = member(status, 'code')
  return code === 2 || code === 'STATUS_CODE_ERROR'
}

/**
 * Every span of an ExportTraceServiceRequest (its JSON form), each with its resource's and its
 * scope's attributes. Only the fields the mapping reads are kept: names, ids, times, status and
 * scalar attributes. Span events and links (where instrumentations put prompts and completions)
 * are never read. A body that is not a request (resourceSpans not an array, …) is a bad request.
 */
export function spansOf(request: unknown, encoding: IdEncoding): OtlpSpan[] {
  if (request === null || typeof request !== 'object' || Array.isArray(request))
    throw new IngestError('bad_request', 'the body must be an ExportTraceServiceRequest object')
  const spans: OtlpSpan[] = []
  for (const resourceSpans of list(request, 'resourceSpans', 'resource_spans')) {
    const resource = attributes(member(resourceSpans, 'resource'))
    for (const scopeSpans of list(resourceSpans, 'scopeSpans', 'scope_spans')) {
      const scopeMessage = member(scopeSpans, 'scope')
      const scopeName = member(scopeMessage, 'name')
      const scopeVersion = member(scopeMessage, 'version')
      const scope = {
        name: typeof scopeName === 'string' ? scopeName : '',
        version: typeof scopeVersion === 'string' ? scopeVersion : '',
      }
      for (const span of list(scopeSpans, 'spans')) {
        const name = member(span, 'name')
        spans.push({
          traceId: id(member(span, 'traceId', 'trace_id'), encoding),
          spanId: id(member(span, 'spanId', 'span_id'), encoding),
          parentSpanId: id(member(span, 'parentSpanId', 'parent_span_id'), encoding),
          name: typeof name === 'string' ? name : '',
          startTimeUnixNano: nanos(member(span, 'startTimeUnixNano', 'start_time_unix_nano')),
          endTimeUnixNano: nanos(member(span, 'endTimeUnixNano', 'end_time_unix_nano')),
          failed: failed(member(span, 'status')),
          attributes: attributes(span),
          resource,
          scope,
        })
      }
    }
  }
  return spans
}
