import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One answer the vector provider gives, exactly as a provider sends it on the wire. */
export type VectorResponse =
  | { json: unknown; status?: number; headers?: Record<string, string> }
  /** Server-sent events: each item is one `data:` (with `event:` when named); OpenAI ends with [DONE]. */
  | { sse: { event?: string; data: unknown }[]; done?: boolean; headers?: Record<string, string> }
  | { body: string; contentType: string; headers?: Record<string, string> }

export interface ReceivedVectorRequest {
  path: string
  /** Parsed JSON, or the raw text for multipart bodies. */
  body: unknown
}

export interface VectorProvider {
  url: string
  requests: ReceivedVectorRequest[]
  /** The next request is answered with this. */
  answerNext(response: VectorResponse): void
  close(): Promise<void>
}

/**
 * A provider stand-in that answers each request with the next queued response, whatever the path:
 * the cost vectors decide exactly what the official clients receive over HTTP.
 */
export async function startVectorProvider(): Promise<VectorProvider> {
  const queue: VectorResponse[] = []
  const requests: ReceivedVectorRequest[] = []
  let counter = 0
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      let body: unknown = raw
      try {
        body = raw ? JSON.parse(raw) : {}
      } catch {}
      requests.push({ path: request.url ?? '/', body })
      counter += 1
      const ids = { 'x-request-id': `req_vector_${counter}`, 'request-id': `req_vector_${counter}` }
      const answer = queue.shift()
      if (!answer) {
        response.writeHead(500, { 'content-type': 'application/json', ...ids })
        response.end(JSON.stringify({ error: { message: 'no vector response queued' } }))
        return
      }
      if ('json' in answer) {
        response.writeHead(answer.status ?? 200, {
          'content-type': 'application/json',
          ...ids,
          ...answer.headers,
        })
        response.end(JSON.stringify(answer.json))
      } else if ('sse' in answer) {
        response.writeHead(200, { 'content-type': 'text/event-stream', ...ids, ...answer.headers })
        for (const item of answer.sse) {
          response.write(
            `${item.event ? `event: ${item.event}\n` : ''}data: ${JSON.stringify(item.data)}\n\n`,
          )
        }
        if (answer.done) response.write('data: [DONE]\n\n')
        response.end()
      } else {
        response.writeHead(200, { 'content-type': answer.contentType, ...ids, ...answer.headers })
        response.end(answer.body)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answerNext: (answer) => queue.push(answer),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
