import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  anthropicErrorBody,
  CHAT_FIXTURES,
  chatUsageChunk,
  EMBEDDINGS_FIXTURES,
  type Json,
  type JsonObject,
  MESSAGES_FIXTURES,
  openaiErrorBody,
  RESPONSES_FIXTURES,
} from './fixtures.js'

/** One request the fake received, as it arrived. */
export interface ReceivedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** The parsed JSON body (`{}` when there was none). */
  body: JsonObject
  /** The id the fake answered with in `x-request-id` (OpenAI) or `request-id` (Anthropic). */
  requestId: string
}

/** A failure the next request answers with instead of its fixture. */
export interface InjectedFailure {
  status: number
  /** Defaults to the provider's own error body for the status. */
  body?: Json
  headers?: Record<string, string>
}

export interface FakeProvider {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** For `new OpenAI({ baseURL })`. */
  readonly openaiBaseURL: string
  /** For `new Anthropic({ baseURL })` (the client adds `/v1/messages`). */
  readonly anthropicBaseURL: string
  readonly requests: ReceivedRequest[]
  /** The next requests (one per failure given, in order) answer these errors. */
  failNext(...failures: InjectedFailure[]): void
  /** Forgets received requests and pending failures. */
  reset(): void
  close(): Promise<void>
}

type Provider = 'openai' | 'anthropic'

/**
 * A local stand-in for api.openai.com and api.anthropic.com serving the recorded-style bodies in
 * fixtures.ts, so the official clients run unmodified against it.
 */
export async function startFakeProvider(): Promise<FakeProvider> {
  const requests: ReceivedRequest[] = []
  let failures: InjectedFailure[] = []
  let counter = 0

  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const body = (raw ? JSON.parse(raw) : {}) as JsonObject
      const path = (request.url ?? '/').split('?')[0] ?? '/'
      const provider: Provider = path === '/v1/messages' ? 'anthropic' : 'openai'
      counter += 1
      const requestId =
        provider === 'anthropic' ? `req_fake${String(counter).padStart(6, '0')}` : `req_${counter}fake`
      requests.push({ method: request.method ?? 'GET', path, headers: request.headers, body, requestId })
      const idHeader: Record<string, string> = {
        [provider === 'anthropic' ? 'request-id' : 'x-request-id']: requestId,
      }

      const failure = failures.shift()
      if (failure) {
        const errorBody =
          failure.body ??
          (provider === 'anthropic' ? anthropicErrorBody(failure.status) : openaiErrorBody(failure.status))
        sendJson(response, failure.status, errorBody, { ...idHeader, ...failure.headers })
        return
      }
      if (request.method !== 'POST') {
        sendJson(response, 404, openaiErrorBody(404), idHeader)
        return
      }
      route(path, body, response, idHeader)
    })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    failNext(...next) {
      failures.push(...next)
    },
    reset() {
      requests.length = 0
      failures = []
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      })
    },
  }
}

function route(path: string, body: JsonObject, response: ServerResponse, idHeader: Record<string, string>) {
  const model = typeof body.model === 'string' ? body.model : ''
  const streamed = body.stream === true
  switch (path) {
    case '/v1/chat/completions': {
      const fixture = CHAT_FIXTURES[model]
      if (!fixture) return sendJson(response, 404, openaiErrorBody(404), idHeader)
      // The API reports the tier it actually used; the fake grants a requested flex tier.
      const tier = body.service_tier === 'flex' ? 'flex' : undefined
      const completion = withTier(fixture.completion, tier)
      if (!streamed) return sendJson(response, 200, completion, idHeader)
      const streamOptions = body.stream_options as JsonObject | null | undefined
      const includeUsage = streamOptions?.include_usage === true
      const chunks = (fixture.chunks ?? []).map((chunk) => withTier(chunk, tier))
      const data: Json[] = includeUsage
        ? [...chunks.map((chunk) => ({ ...chunk, usage: null })), chatUsageChunk(completion)]
        : chunks
      return sendEvents(
        response,
        data.map((item) => ({ data: JSON.stringify(item) })).concat({ data: '[DONE]' }),
        idHeader,
      )
    }
    case '/v1/responses': {
      const fixture = RESPONSES_FIXTURES[model]
      if (!fixture) return sendJson(response, 404, openaiErrorBody(404), idHeader)
      if (!streamed) return sendJson(response, 200, fixture.response, idHeader)
      return sendEvents(
        response,
        fixture.events.map((event) => ({ event: String(event.type), data: JSON.stringify(event) })),
        idHeader,
      )
    }
    case '/v1/embeddings': {
      const fixture = EMBEDDINGS_FIXTURES[model]
      if (!fixture) return sendJson(response, 404, openaiErrorBody(404), idHeader)
      return sendJson(
        response,
        200,
        body.encoding_format === 'base64' ? base64Embeddings(fixture) : fixture,
        idHeader,
      )
    }
    case '/v1/messages': {
      const fixture = MESSAGES_FIXTURES[model]
      if (!fixture) return sendJson(response, 404, anthropicErrorBody(404), idHeader)
      if (!streamed) return sendJson(response, 200, fixture.message, idHeader)
      return sendEvents(
        response,
        fixture.events.map((event) => ({ event: String(event.type), data: JSON.stringify(event) })),
        idHeader,
      )
    }
    default:
      return sendJson(response, 404, openaiErrorBody(404), idHeader)
  }
}

function withTier(object: JsonObject, tier: string | undefined): JsonObject {
  return tier ? { ...object, service_tier: tier } : object
}

/** The API's answer to `encoding_format: 'base64'` (the official client's default): little-endian float32. */
function base64Embeddings(fixture: JsonObject): JsonObject {
  const data = (fixture.data as JsonObject[]).map((item) => {
    const floats = Float32Array.from(item.embedding as number[])
    return { ...item, embedding: Buffer.from(floats.buffer).toString('base64') }
  })
  return { ...fixture, data }
}

function sendJson(response: ServerResponse, status: number, body: Json, headers: Record<string, string>) {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  response.end(text)
}

function sendEvents(
  response: ServerResponse,
  events: { event?: string; data: string }[],
  headers: Record<string, string>,
) {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  })
  for (const { event, data } of events) response.write(`${event ? `event: ${event}\n` : ''}data: ${data}\n\n`)
  response.end()
}
