import type { CostEvent } from 'spendlens'
import { describe, expect, it } from 'vitest'
import { eventWindow } from '../src/ingest/event-window.js'
import { validateItems } from '../src/ingest/ingest-events.js'
import { hashEventId } from '../src/schema/event-id-hash.js'
import {
  concatEncoded,
  type EncodedColumn,
  type EncodedEvents,
  encodedBuffers,
  encodeEvents,
  STAGING_COLUMNS,
  selectEncoded,
} from '../src/store/duckdb/encode-columns.js'
import { event } from './server-helpers.js'

/** Row by row, every column's value as plain JavaScript (null for null), whatever its encoding. */
function rowsOf(batch: EncodedEvents): Record<string, unknown>[] {
  const value = (column: EncodedColumn, row: number): unknown => {
    switch (column.kind) {
      case 'enum': {
        const code = column.codes[row] as number
        return code === 0 ? null : column.members[code]
      }
      case 'text':
        return column.values[row]
      case 'double':
        return Number.isNaN(column.values[row]) ? null : column.values[row]
      case 'boolean':
        return column.values[row] === 1
    }
  }
  return Array.from({ length: batch.rows }, (_, row) => ({
    ...Object.fromEntries(
      STAGING_COLUMNS.map((column, index) => [
        column.name,
        value(batch.columns[index] as EncodedColumn, row),
      ]),
    ),
    _id: batch.eventIds[row],
    _ts: batch.times[row],
    _hash: batch.hashes[row],
  }))
}

function events(
  count: number,
  from: number,
  overrides: (index: number) => Record<string, unknown> = () => ({}),
) {
  const items = Array.from({ length: count }, (_, offset) => {
    const index = from + offset
    return {
      value: event({
        event_id: `col-${index}`,
        ts: new Date(Date.UTC(2026, 10, 20, 10, 0, index)).toISOString(),
        feature: index % 3 === 0 ? undefined : `feature-${index % 4}`,
        customer_id: `customer-${index % 7}`,
        tags: index % 2 === 0 ? { plan: 'pro', region: "o'hare" } : {},
        latency_ms: index % 5 === 0 ? undefined : 100 + index,
        cost_usd: index % 6 === 0 ? undefined : 0.000001 * index,
        batch: index % 4 === 0,
        ...overrides(index),
      }),
    }
  })
  // Fixed dates (2026-11-20): a window that takes any age.
  const validated = validateItems(items, eventWindow(Number.POSITIVE_INFINITY))
  expect(validated.rejected).toEqual([])
  return validated.valid as CostEvent[]
}

describe('events encoded as columns', () => {
  it('hold every field of every event, with ids, times and hashes alongside', () => {
    const batch = encodeEvents(events(40, 0))
    const rows = rowsOf(batch)
    expect(rows).toHaveLength(40)
    const first = rows[1] as Record<string, unknown>
    expect(first).toMatchObject({
      event_id: 'col-1',
      _id: 'col-1',
      _ts: Date.UTC(2026, 10, 20, 10, 0, 1),
      ts: Date.UTC(2026, 10, 20, 10, 0, 1),
      _hash: hashEventId('col-1'),
      feature: 'feature-1',
      customer_id: 'customer-1',
      tags: '{}',
      latency_ms: 101,
      cost_nanos: 1000,
      batch: false,
      provider: 'openai',
    })
    // A missing attribution is stored as `unattributed`; tags as JSON; booleans as such.
    expect(rows[0]).toMatchObject({
      feature: 'unattributed',
      tags: '{"plan":"pro","region":"o\'hare"}',
      batch: true,
    })
    expect(rows[0]?.latency_ms).toBeNull()
  })

  it('join and select to the same rows as encoding those events directly', () => {
    // A NUL cannot be an ENUM member: this part's `route` goes as plain text, the others' as codes.
    // Ingest cleans NUL out of a route (U+FFFD), so it is set past the validator, as an event handed
    // straight to Store.append could carry it.
    const all = events(60, 0, (index) => ({ route: `/r${index % 3}` })).map((event, index) =>
      index >= 20 && index < 40 ? { ...event, route: `/r\u0000${index % 2}` } : event,
    )
    const parts = [all.slice(0, 20), all.slice(20, 40), all.slice(40)].map((part) => encodeEvents(part))
    const routeIndex = STAGING_COLUMNS.findIndex((column) => column.name === 'route')
    expect(parts.map((part) => part.columns[routeIndex]?.kind)).toEqual(['enum', 'text', 'enum'])

    const joined = concatEncoded(parts)
    expect(joined.columns[routeIndex]?.kind).toBe('text')
    expect(rowsOf(joined)).toEqual(rowsOf(encodeEvents(all)))

    const pure = concatEncoded([parts[0] as EncodedEvents, parts[2] as EncodedEvents])
    expect(pure.columns[routeIndex]?.kind).toBe('enum')
    expect(rowsOf(pure)).toEqual(rowsOf(encodeEvents([...all.slice(0, 20), ...all.slice(40)])))

    const picked = [59, 3, 20, 41, 0]
    expect(rowsOf(selectEncoded(joined, picked))).toEqual(picked.map((index) => rowsOf(joined)[index]))
    expect(selectEncoded(joined, [...Array(60).keys()])).toBe(joined)
  })

  it('lists each buffer to hand over once', () => {
    const batch = encodeEvents(events(5, 0))
    const buffers = encodedBuffers(batch)
    expect(new Set(buffers).size).toBe(buffers.length)
    // `ts` shares the times array and `id_hash` the hashes: each listed once, with each typed column.
    const typed = batch.columns.filter((column) => column.kind !== 'text').length
    expect(buffers).toHaveLength(typed)
    expect(buffers).toContain(batch.times.buffer)
    expect(buffers).toContain(batch.hashes.buffer)
  })
})
