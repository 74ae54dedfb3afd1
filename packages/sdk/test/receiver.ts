import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import type { CostEvent } from '../src/index.js'

export interface ReceivedBatch {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** The decoded body (gunzipped when sent with content-encoding: gzip). */
  body: unknown
  /** Bytes as they came over the wire. */
  wireBytes: number
  /** The status the receiver answered with (0 while held or when it never answers). */
  status: number
  /** performance.now() at arrival. */
  arrivedAt: number
}

export interface ReceiverOptions {
  /** Answers these statuses in turn, then 200. */
  statuses?: number[]
  /** Headers sent with the answer to the request of the same position (e.g. `retry-after`). */
  headers?: Record<string, string>[]
  /** Never answer. */
  hang?: boolean
}

/**
 * A stand-in for the spendlens server's ingest endpoint. It answers like the real one
 * (`{ accepted, duplicates, rejected }`) and records every request, so a test can check what the
 * sink sent and what was accepted.
 */
export async function startReceiver(options: ReceiverOptions = {}) {
  const statuses = [...(options.statuses ?? [])]
  const headers = [...(options.headers ?? [])]
  const received: ReceivedBatch[] = []
  const held: (() => void)[] = []
  let holdNext = 0
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks)
      const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')
      const batch: ReceivedBatch = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: JSON.parse(text),
        wireBytes: raw.length,
        status: 0,
        arrivedAt: performance.now(),
      }
      received.push(batch)
      if (options.hang) return
      const status = statuses.shift() ?? 200
      const extraHeaders = headers.shift() ?? {}
      const answer = () => {
        batch.status = status
        respond(response, status, batch.body, extraHeaders)
      }
      if (holdNext > 0) {
        holdNext--
        held.push(answer)
      } else answer()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    /** Event ids of the batches the receiver accepted, in arrival order. */
    acceptedIds: () =>
      received
        .filter((batch) => batch.status === 200)
        .flatMap((batch) => (batch.body as CostEvent[]).map((event) => event.event_id)),
    /** The next `count` requests wait for {@link releaseHeld} before they are answered. */
    holdNext(count = 1) {
      holdNext += count
    },
    heldCount: () => held.length,
    releaseHeld() {
      for (const answer of held.splice(0)) answer()
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>

function respond(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>) {
  const count = Array.isArray(body) ? body.length : 1
  const answer =
    status === 200
      ? { accepted: count, duplicates: 0, rejected: 0, results: [] }
      : { error: { code: 'unavailable', message: `answered ${status} on purpose` } }
  response.writeHead(status, { 'content-type': 'application/json', ...headers })
  response.end(JSON.stringify(answer))
}
