import type { FastifyInstance } from 'fastify'
import { isGzip, type RawBody } from '../ingest/decode-body.js'
import type { IngestResult } from '../ingest/ingest-events.js'
import type { IngestPath } from '../ingest/ingest-path.js'
import { type OtlpEncoding, otlpEncoding } from '../otlp/otlp-items.js'
import { encodeErrorStatus, encodeResponse, traceResponse } from '../otlp/otlp-response.js'
import { errorAnswer } from './error-answer.js'

const CONTENT_TYPE: Record<OtlpEncoding, string> = {
  json: 'application/json',
  protobuf: 'application/x-protobuf',
}

/**
 * POST /v1/traces: OTLP/HTTP trace exports (protobuf or JSON, maybe gzipped) through the same
 * ingest path, keys and limits as POST /v1/events; their GenAI spans become CostEvents
 * (otlp/genai-span.ts). Answers as the OTLP specification says: 200 with an
 * ExportTraceServiceResponse (`partialSuccess` for rejected spans), and for a refused request
 * google.rpc.Status in the request's encoding: 400 bad data, 413 over the body limit, 415 an
 * unknown encoding, 429 and 503 with Retry-After when the client should come back later.
 * Registered inside the ingest scope, whose content-type parsers hand the body over as bytes.
 */
export async function registerOtlpRoute(
  scope: FastifyInstance,
  ingest: IngestPath,
  countIngest: (project: string, result: IngestResult) => void,
) {
  await scope.register(async (otlp) => {
    otlp.setErrorHandler((error, request, reply) => {
      const answer = errorAnswer(error)
      if (answer.log) request.log.error(error)
      if (answer.retryAfterSeconds !== undefined)
        reply.header('retry-after', String(answer.retryAfterSeconds))
      const encoding = otlpEncoding(request.headers['content-type']) ?? 'json'
      return reply
        .status(answer.status)
        .type(CONTENT_TYPE[encoding])
        .send(encodeErrorStatus(answer.status, answer.message, encoding))
    })
    otlp.post('/v1/traces', async (request, reply) => {
      const encoding = otlpEncoding(request.headers['content-type'])
      if (encoding === null)
        return reply
          .status(415)
          .type(CONTENT_TYPE.json)
          .send(encodeErrorStatus(415, 'send application/x-protobuf or application/json', 'json'))
      const body: RawBody = {
        bytes: request.body as Buffer,
        gzip: isGzip(request.headers['content-encoding']),
        ndjson: false,
        otlp: encoding,
      }
      request.body = undefined
      const result = await ingest.ingest(body, request.project)
      countIngest(request.project, result)
      return reply
        .status(200)
        .type(CONTENT_TYPE[encoding])
        .send(encodeResponse(traceResponse(result), encoding))
    })
  })
}
