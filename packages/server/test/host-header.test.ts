import { request } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestServer } from './server-helpers.js'

let harness: Awaited<ReturnType<typeof startTestServer>>

beforeEach(async () => {
  harness = await startTestServer()
})
afterEach(async () => {
  await harness.stop()
})

/** GET `path` with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(path: string, host: string): Promise<{ status: number; body: string }> {
  const url = new URL(harness.url(path))
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { hostname: url.hostname, port: url.port, path: url.pathname, headers: { host } },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk) => {
          body += chunk
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      },
    )
    outgoing.on('error', reject)
    outgoing.end()
  })
}

describe('the Host header', () => {
  it('of a name the server was not given is refused on every route (DNS rebinding)', async () => {
    for (const path of ['/api/meta', '/api/events', '/', '/v1/events']) {
      const answer = await getWithHost(path, 'rebind.evil.example:4600')
      expect(answer.status, path).toBe(403)
      expect(JSON.parse(answer.body).error.code).toBe('host_not_allowed')
    }
  })

  it('of an address or localhost is answered', async () => {
    const port = new URL(harness.url('/')).port
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`])
      expect((await getWithHost('/api/meta', host)).status, host).toBe(200)
  })
})
