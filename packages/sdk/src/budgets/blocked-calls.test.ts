import { describe, expect, it } from 'vitest'
import { BlockedCallCounter } from './blocked-calls.js'

const NOVEMBER = Date.parse('2026-11-01T00:00:00.000Z')
const DECEMBER = Date.parse('2026-12-01T00:00:00.000Z')

describe('BlockedCallCounter', () => {
  it('reports the whole count of each budget and period, until the server has it', () => {
    const counter = new BlockedCallCounter()
    expect(counter.unreported()).toBeUndefined()
    counter.count('acme', NOVEMBER)
    counter.count('acme', NOVEMBER)
    counter.count('globex', NOVEMBER)
    const first = counter.unreported()
    expect(first).toEqual([
      { budget_id: 'acme', period_start: '2026-11-01T00:00:00.000Z', blocked: 2 },
      { budget_id: 'globex', period_start: '2026-11-01T00:00:00.000Z', blocked: 1 },
    ])
    // A call refused while the report is on its way: the next report carries the new total.
    counter.count('acme', NOVEMBER)
    counter.reported(first ?? [])
    expect(counter.unreported()).toEqual([
      { budget_id: 'acme', period_start: '2026-11-01T00:00:00.000Z', blocked: 3 },
    ])
  })

  it('keeps counting from the acknowledged total, and forgets a past period once the server has it', () => {
    const counter = new BlockedCallCounter()
    counter.count('acme', NOVEMBER)
    counter.count('acme', DECEMBER)
    counter.reported(counter.unreported() ?? [])
    expect(counter.unreported()).toBeUndefined()
    // November is gone from memory: counted again (it never is: the ledger has moved on), it starts over.
    counter.count('acme', NOVEMBER)
    expect(counter.unreported()).toEqual([
      { budget_id: 'acme', period_start: '2026-11-01T00:00:00.000Z', blocked: 1 },
    ])
    counter.count('acme', DECEMBER)
    expect(counter.unreported()).toEqual([
      { budget_id: 'acme', period_start: '2026-12-01T00:00:00.000Z', blocked: 2 },
      { budget_id: 'acme', period_start: '2026-11-01T00:00:00.000Z', blocked: 1 },
    ])
  })
})
