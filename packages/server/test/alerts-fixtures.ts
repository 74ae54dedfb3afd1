import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Anomaly } from '../src/api/api-types.js'

/** An anomaly as a detector would raise it; `overrides` change what a test is about. */
export function anomaly(overrides: Partial<Anomaly> = {}): Anomaly {
  return {
    id: 'spend_spike/feature=search/2026-12-01T10',
    kind: 'spend_spike',
    scope: { dimension: 'feature', value: 'search' },
    start: '2026-12-01T10:00:00.000Z',
    end: '2026-12-01T12:00:00.000Z',
    measure: 'cost_usd',
    observed: 120.5,
    expected: 30,
    money_at_stake_usd: 90.5,
    severity: 'high',
    state: 'open',
    summary: 'search cost $120.50 in two hours, four times its usual $30.',
    ...overrides,
  }
}

export interface Received {
  headers: IncomingHttpHeaders
  /** The raw body, as the signature covers it. */
  body: string
}

/**
 * A real HTTP receiver on 127.0.0.1: keeps every POST and answers with the next of `statuses`
 * (the last one repeated), with `headers` for that answer.
 */
export async function startReceiver(
  statuses: readonly (number | { status: number; headers: Record<string, string> })[] = [200],
  port = 0,
): Promise<{ url: string; received: Received[]; server: Server; close: () => Promise<void> }> {
  const received: Received[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
      const answer = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200
      const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer
      response.writeHead(status, headers).end(status < 300 ? 'ok' : 'no')
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const address = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}/hook`,
    received,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** A port nothing listens on (for now): a connection to it is refused. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
