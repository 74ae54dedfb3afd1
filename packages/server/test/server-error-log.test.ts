import { describe, expect, it } from 'vitest'
import { createApp } from '../src/http/create-app.js'
import type { Store } from '../src/store/store.js'

describe('a server error', () => {
  it('is logged with its cause without --log, while requests that succeed are not', async () => {
    const lines: string[] = []
    // A store whose stats fail as a broken disk would: the meta endpoint answers 500.
    const broken = {
      engine: 'duckdb',
      location: 'broken',
      batchFormat: 'columns',
      stats: () => Promise.reject(new Error('IO Error: could not read block 42')),
      getMeta: () => Promise.resolve(null),
      // No keys: an open server.
      readRecords: () => Promise.resolve([]),
      close: () => Promise.resolve(),
    } as unknown as Store
    const app = await createApp({
      store: broken,
      ingestWorkers: 0,
      logStream: { write: (line) => lines.push(line) },
    })
    try {
      const failed = await app.inject({ method: 'GET', url: '/api/meta' })
      expect(failed.statusCode).toBe(500)
      expect(failed.json()).toEqual({
        error: { code: 'internal', message: 'internal error; see the server log' },
      })
      const refused = await app.inject({ method: 'GET', url: '/api/nothing-here' })
      expect(refused.statusCode).toBe(404)
      expect(lines).toHaveLength(1)
      const entry = JSON.parse(lines[0] as string)
      expect(entry.level).toBe(50)
      expect(entry.err.message).toBe('IO Error: could not read block 42')
      expect(entry.err.stack).toContain('server-error-log.test.ts')
    } finally {
      await app.close()
    }
  })
})
