import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { eventWindow } from '../src/ingest/event-window.js'
import { createBodyDecoder } from '../src/ingest/ingest-workers.js'
import { DEFAULT_PROJECT } from '../src/schema/projects.js'
import { event } from './server-helpers.js'

/** `event()`'s fixed dates (2026-11-20) at any age. */
const ANY_AGE = eventWindow(Number.POSITIVE_INFINITY)

const body = (events: unknown[]) => ({
  bytes: gzipSync(JSON.stringify(events)),
  gzip: true,
  ndjson: false,
})

describe('ingest workers', () => {
  it('decode bodies into encoded events, in order, on each worker', async () => {
    const decoder = createBodyDecoder('columns', 2)
    try {
      const answers = await Promise.all(
        [0, 1, 2, 3].map((batch) =>
          decoder.decode(
            body([event({ event_id: `w-${batch}-a` }), { bad: true }, event({ event_id: `w-${batch}-b` })]),
            ANY_AGE,
            DEFAULT_PROJECT,
          ),
        ),
      )
      for (const [batch, answer] of answers.entries()) {
        expect(answer.count).toBe(3)
        expect([...Array.from(answer.validIndexes)]).toEqual([0, 2])
        expect(answer.batch.eventIds).toEqual([`w-${batch}-a`, `w-${batch}-b`])
        expect(answer.rejected).toMatchObject([{ index: 1, status: 'rejected' }])
      }
    } finally {
      await decoder.close()
    }
  })

  it('fail the body a worker dies on, and go on with a new worker', async () => {
    // A worker allowed 16 MB of heap (it starts in less) dies decoding a body that needs 40 or so.
    const decoder = createBodyDecoder('columns', 1, {
      maxOldGenerationSizeMb: 16,
      maxYoungGenerationSizeMb: 4,
    })
    try {
      const large = Array.from({ length: 45_000 }, (_, index) => event({ event_id: `big-${index}` }))
      await expect(decoder.decode(body(large), ANY_AGE, DEFAULT_PROJECT)).rejects.toThrow()
      const after = await decoder.decode(body([event({ event_id: 'after-crash' })]), ANY_AGE, DEFAULT_PROJECT)
      expect(after.batch.eventIds).toEqual(['after-crash'])
    } finally {
      await decoder.close()
    }
  })
})
