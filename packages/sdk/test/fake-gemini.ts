import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Json, JsonObject } from './fixtures.js'
import { embedContentResponse, GEMINI_FIXTURES, geminiErrorBody } from './gemini-fixtures.js'

export interface GeminiRequest {
  method: string
  /** e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent` */
  path: string
  /** e.g. `alt=sse` */
  query: string
  headers: IncomingHttpHeaders
  body: JsonObject
}

/** What the next request answers instead of its fixture. */
export type GeminiFailure =
  /** An HTTP error with the API's error body. */
  | { status: number }
  /** A stream that sends its first `chunks` chunks, then an in-stream error event (as the API does). */
  | { breakStreamAfter: number; code: number }

export interface FakeGemini {
  /** For `new GoogleGenAI({ httpOptions: { baseUrl } })`: the client adds `/v1beta/models/…`. */
  readonly baseUrl: string
  /** For `createGoogleGenerativeAI({ baseURL })` of the AI SDK, which wants the version in it. */
  readonly aiSdkBaseURL: string
  readonly requests: GeminiRequest[]
  failNext(...failures: GeminiFailure[]): void
  reset(): void
  close(): Promise<void>
}

const ROUTE =
  /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/

/**
 * A local stand-in for generativelanguage.googleapis.com serving gemini-fixtures.ts on the REST
 * routes the official clients call: `POST /v1beta/models/{model}:generateContent`,
 * `POST /v1beta/models/{model}:streamGenerateContent?alt=sse` (SSE `data: {json}` events) and
 * `:embedContent` / `:batchEmbedContents` (embedContentResponse).
 */
export async function startFakeGemini(): Promise<FakeGemini> {
  const requests: GeminiRequest[] = []
  let failures: GeminiFailure[] = []

  const server = createServer((request, response) => {
    // No Date header: the client copies response headers into `sdkHttpResponse`, and two calls
    // compared for equality must not differ by the second they were answered in.
    response.sendDate = false
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const [path = '/', query = ''] = (request.url ?? '/').split('?')
      requests.push({
        method: request.method ?? 'GET',
        path,
        query,
        headers: request.headers,
        body: (raw ? JSON.parse(raw) : {}) as JsonObject,
      })
      const match = ROUTE.exec(path)
      const fixture = match ? GEMINI_FIXTURES[match[1] ?? ''] : undefined
      const streamed = match?.[2] === 'streamGenerateContent'
      const failure = failures.shift()
      if (failure && 'status' in failure)
        return sendJson(response, failure.status, geminiErrorBody(failure.status))
      if (match?.[2] === 'embedContent' || match?.[2] === 'batchEmbedContents') {
        const body = requests[requests.length - 1]?.body ?? {}
        const inputs = Array.isArray(body.requests) ? body.requests.length : 1
        return sendJson(response, 200, embedContentResponse(match[2], inputs))
      }
      if (request.method !== 'POST' || !fixture) return sendJson(response, 404, geminiErrorBody(404))
      if (!streamed) return sendJson(response, 200, fixture.response)
      const events: Json[] = failure
        ? [...fixture.chunks.slice(0, failure.breakStreamAfter), geminiErrorBody(failure.code)]
        : fixture.chunks
      sendEvents(response, events)
    })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`

  return {
    baseUrl: url,
    aiSdkBaseURL: `${url}/v1beta`,
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

function sendJson(response: ServerResponse, status: number, body: Json) {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  })
  response.end(text)
}

function sendEvents(response: ServerResponse, events: Json[]) {
  response.writeHead(200, { 'content-type': 'text/event-stream' })
  for (const event of events) response.write(`data: ${JSON.stringify(event)}\r\n\r\n`)
  response.end()
}
