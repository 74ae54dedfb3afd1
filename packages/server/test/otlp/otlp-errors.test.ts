import { gzipSync } from 'node:zlib'
import protobuf from 'protobufjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BODY_LIMIT } from '../../src/ingest/decode-body.js'
import { type OtlpServer, startOtlpServer } from './otlp-harness.js'

/*
 * How POST /v1/traces refuses, as the OTLP specification asks: 400 for bad data, 413 over the body
 * limit, 200 with partialSuccess when some spans are rejected (their valid neighbours are stored),
 * 429 with Retry-After over the rate limit; every error body is google.rpc.Status in the request's
 * encoding.
 */

let server: OtlpServer
beforeAll(async () => {
  server = await startOtlpServer()
})
afterAll(async () => {
  await server?.close()
})

const nowNanos = () => String(BigInt(Date.now()) * 1_000_000n)
const hex = (length: number) =>
  Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join('')

function chatSpan(overrides: Record<string, unknown> = {}, model: string | null = 'gpt-4o-mini') {
  const attributes = [
    { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
    { key: 'gen_ai.usage.input_tokens', value: { intValue: '1000' } },
    { key: 'gen_ai.usage.output_tokens', value: { intValue: '100' } },
  ]
  if (model) attributes.push({ key: 'gen_ai.request.model', value: { stringValue: model } })
  return {
    traceId: hex(32),
    spanId: hex(16),
    name: 'chat',
    startTimeUnixNano: nowNanos(),
    attributes,
    ...overrides,
  }
}

const request = (spans: unknown[]) => ({
  resourceSpans: [{ scopeSpans: [{ scope: { name: 'test' }, spans }] }],
})

async function post(body: Uint8Array<ArrayBuffer> | string, headers: Record<string, string>) {
  const response = await fetch(server.tracesUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.keys.ingest}`, ...headers },
    body,
  })
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) }
}
const json = { 'content-type': 'application/json' }
const proto = { 'content-type': 'application/x-protobuf' }
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8')

/** google.rpc.Status as protobuf, read back with protobufjs (code 1, message 2). */
function decodeStatus(bytes: Uint8Array): { code: number; message: string } {
  const status = new protobuf.Type('Status')
    .add(new protobuf.Field('code', 1, 'int32'))
    .add(new protobuf.Field('message', 2, 'string'))
  new protobuf.Root().define('google.rpc').add(status)
  return status.toObject(status.decode(bytes)) as { code: number; message: string }
}

describe('POST /v1/traces refusals', () => {
  it('answers a partial rejection with 200 and partialSuccess, and stores the valid neighbours', async () => {
    const good = chatSpan()
    const noModel = chatSpan({}, null)
    const badId = chatSpan({ traceId: 'not-hex' })
    const { response, bytes } = await post(JSON.stringify(request([good, noModel, badId])), json)

    expect(response.status).toBe(200)
    const body = JSON.parse(text(bytes)) as {
      partialSuccess: { rejectedSpans: string; errorMessage: string }
    }
    // int64 as a string, as OTLP/JSON encodes it.
    expect(body.partialSuccess.rejectedSpans).toBe('2')
    expect(body.partialSuccess.errorMessage).toContain('without a model')
    expect(body.partialSuccess.errorMessage).toContain('traceId must be 16 bytes')
    const stored = await server.events([`otlp:${good.traceId}:${good.spanId}`])
    expect(stored).toHaveLength(1)
  })

  it('answers a fully accepted export with an empty response', async () => {
    const { response, bytes } = await post(JSON.stringify(request([chatSpan()])), json)
    expect(response.status).toBe(200)
    expect(JSON.parse(text(bytes))).toEqual({})
  })

  it('answers bytes that are not an ExportTraceServiceRequest with 400 and a protobuf Status', async () => {
    const { response, bytes } = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x7f, 0x01]), proto)
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toContain('application/x-protobuf')
    expect(decodeStatus(bytes)).toMatchObject({ code: 3, message: expect.stringContaining('not a protobuf') })
  })

  it('answers JSON that is not a request with 400 and a JSON Status', async () => {
    const broken = await post('{"resourceSpans": [', json)
    const wrongShape = await post(JSON.stringify({ resourceSpans: 'many' }), json)
    expect(broken.response.status).toBe(400)
    expect(JSON.parse(text(broken.bytes))).toMatchObject({
      code: 3,
      message: expect.stringContaining('not valid JSON'),
    })
    expect(wrongShape.response.status).toBe(400)
    expect(JSON.parse(text(wrongShape.bytes)).message).toContain('resourceSpans must be an array')
  })

  it('answers a gzip bomb with 413, and keeps serving', async () => {
    // 64 MB of zeros gzip to about 64 KB: past the decompressed limit, far under the received one.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024))
    const { response, bytes } = await post(new Uint8Array(bomb), { ...proto, 'content-encoding': 'gzip' })
    expect(response.status).toBe(413)
    expect(decodeStatus(bytes).code).toBe(8)
    const next = await post(JSON.stringify(request([chatSpan()])), json)
    expect(next.response.status).toBe(200)
  })

  it('answers a body over the limit with 413', async () => {
    const { response } = await post(new Uint8Array(BODY_LIMIT + 1024), proto)
    expect(response.status).toBe(413)
  })

  it('answers an encoding it does not know with 415', async () => {
    const { response } = await post('resourceSpans', { 'content-type': 'text/plain' })
    expect(response.status).toBe(415)
  })
})

describe('POST /v1/traces under pressure', () => {
  it('answers 429 with Retry-After past the ingest rate limit', async () => {
    const limited = await startOtlpServer({ rateLimits: { ingestPerMinute: 1, queryPerMinute: 0 } })
    try {
      const send = () =>
        fetch(limited.tracesUrl, {
          method: 'POST',
          headers: { authorization: `Bearer ${limited.keys.ingest}`, ...proto },
          body: new Uint8Array(0),
        })
      expect((await send()).status).toBe(200)
      const refused = await send()
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(decodeStatus(new Uint8Array(await refused.arrayBuffer())).code).toBe(8)
    } finally {
      await limited.close()
    }
  })
})
