import protobuf from 'protobufjs'

/**
 * The OTLP messages POST /v1/traces reads and answers in protobuf, from the official definitions
 * vendored in packages/server/proto (version and licence in its README). Loaded once per thread, on
 * first use: the ingest workers decode bodies, the server's thread encodes answers.
 */
interface OtlpTypes {
  request: protobuf.Type
  response: protobuf.Type
  status: protobuf.Type
}

/** From src/otlp and from dist/otlp alike: both lie two folders below packages/server. */
const PROTO_FOLDER = new URL('../../proto/', import.meta.url)
const SERVICE = 'opentelemetry/proto/collector/trace/v1/trace_service.proto'

let types: OtlpTypes | undefined

function otlpTypes(): OtlpTypes {
  if (types) return types
  const root = new protobuf.Root()
  // The .proto files import each other by their path from the folder's root.
  root.resolvePath = (_origin, target) => new URL(target, PROTO_FOLDER).pathname
  root.loadSync(SERVICE)
  // google.rpc.Status (googleapis' google/rpc/status.proto), the body of every OTLP error answer;
  // its `details` (repeated Any) are left out: nothing is sent in them.
  const status = new protobuf.Type('Status')
    .add(new protobuf.Field('code', 1, 'int32'))
    .add(new protobuf.Field('message', 2, 'string'))
  root.define('google.rpc').add(status)
  types = {
    request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    status,
  }
  return types
}

/**
 * An ExportTraceServiceRequest in protobuf as the plain object its JSON encoding would give, except
 * that bytes (trace and span ids) are base64 as protobuf's own JSON mapping has them, not OTLP/JSON's
 * hex. int64 values are decimal strings, enums numbers. Throws on bytes that are not the message.
 */
export function decodeTraceRequest(bytes: Uint8Array): unknown {
  const { request } = otlpTypes()
  return request.toObject(request.decode(bytes), { longs: String, bytes: String, enums: Number })
}

/** An ExportTraceServiceResponse, `partialSuccess` when some spans were rejected. */
export interface TraceResponse {
  partialSuccess?: { rejectedSpans: number; errorMessage: string }
}

export function encodeTraceResponse(response: TraceResponse): Uint8Array {
  const { response: type } = otlpTypes()
  return type.encode(type.fromObject(response)).finish()
}

/** google.rpc.Status, the body of an OTLP error answer. */
export function encodeStatus(code: number, message: string): Uint8Array {
  const { status } = otlpTypes()
  return status.encode(status.fromObject({ code, message })).finish()
}
