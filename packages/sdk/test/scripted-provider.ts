import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JsonObject } from './fixtures.js'

/**
 * One answer of the script: a JSON body, server-sent events (`event` where the provider names them;
 * OpenAI ends its streams with a `[DONE]` data string), or raw bytes such as audio.
 */
export interface ScriptedReply {
  status?: number
  headers?: Record<string, string>
  json?: unknown
  events?: { event?: string; data: unknown }[]
  /** A body as it is: text, or bytes (AWS event streams). */
  body?: { text: string | Uint8Array; contentType: string }
}

export interface ScriptedRequest {
  path: string
  headers: IncomingHttpHeaders
  /** The JSON body, or `{ raw }` for a body that is not JSON (multipart uploads). */
  body: JsonObject
}

export interface ScriptedProvider {
  /** `http://127.0.0.1:<port>`; AI SDK providers take `${url}/v1` as their `baseURL`. */
  readonly url: string
  readonly requests: ScriptedRequest[]
  /** Queues the answers of the next requests, in order, whatever path they call. */
  reply(...replies: ScriptedReply[]): void
  reset(): void
  close(): Promise<void>
}

/**
 * A local provider that answers each request with the next scripted reply: a multi-step AI SDK run
 * asks the same model twice (a tool call, then the answer), which a fake keyed by model cannot tell
 * apart. A request without a reply left gets a 500, so a test that makes one call too many fails.
 */
export async function startScriptedProvider(): Promise<ScriptedProvider> {
  const requests: ScriptedRequest[] = []
  let script: ScriptedReply[] = []

  const server = createServer((request, response) => {
    // No Date header: the AI SDK keeps response headers in its results, which tests compare.
    response.sendDate = false
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      requests.push({
        path: (request.url ?? '/').split('?')[0] ?? '/',
        headers: request.headers,
        body: parseBody(raw),
      })
      const reply = script.shift() ?? { status: 500, json: { error: { message: 'no scripted reply left' } } }
      send(response, reply)
    })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply(...replies) {
      script.push(...replies)
    },
    reset() {
      requests.length = 0
      script = []
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      })
    },
  }
}

function parseBody(raw: string): JsonObject {
  if (!raw) return {}
  try {
    return JSON.parse(raw) as JsonObject
  } catch {
    return { raw }
  }
}

function send(response: ServerResponse, reply: ScriptedReply) {
  const status = reply.status ?? 200
  if (reply.body) {
    response.writeHead(status, { 'content-type': reply.body.contentType, ...reply.headers })
    response.end(reply.body.text)
    return
  }
  if (reply.events) {
    response.writeHead(status, { 'content-type': 'text/event-stream', ...reply.headers })
    for (const { event, data } of reply.events) {
      const text = typeof data === 'string' ? data : JSON.stringify(data)
      response.write(`${event ? `event: ${event}\n` : ''}data: ${text}\n\n`)
    }
    response.end()
    return
  }
  const text = JSON.stringify(reply.json ?? {})
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...reply.headers,
  })
  response.end(text)
}
