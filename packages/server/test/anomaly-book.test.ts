import { describe, expect, it } from 'vitest'
import { AnomalyBook } from '../src/anomalies/anomaly-book.js'
import type { Candidate } from '../src/anomalies/detector.js'

const HOUR_MS = 3_600_000
const START = Date.UTC(2026, 10, 23)

const candidate = (hour: number, excessUsd: number, overrides: Partial<Candidate> = {}): Candidate => ({
  kind: 'prompt_drift',
  dimension: 'prompt_id',
  value: 'support-v7',
  hour,
  measure: 'avg_input_tokens',
  observed: 2000,
  expected: 1000,
  excessUsd,
  ...overrides,
})

/**
 * The book's rules on their own (the detectors' scenario exercises them end to end in
 * anomalies.test.ts): hours counted once, however often a run sees them.
 */
describe('the anomaly book', () => {
  it('counts a backdated hour once, and keeps a person’s state when a later run names it again', () => {
    const book = new AnomalyBook('default', [], () => START)
    // A drift confirmed in its second hour names both.
    book.observe([candidate(0, 2), candidate(1, 3)], START)
    const [opened] = book.touched()
    expect(opened).toMatchObject({ start: START, end: START + 2 * HOUR_MS, moneyAtStakeNanos: 5e9 })
    if (!opened) throw new Error('unreachable')
    opened.state = 'acknowledged'
    // The next run, in the same hour: the same two hours again, the current one with more traffic.
    const again = new AnomalyBook('default', [opened], () => START)
    again.observe([candidate(0, 2), candidate(1, 4)], START)
    expect(again.touched()).toEqual([
      expect.objectContaining({ id: opened.id, state: 'acknowledged', moneyAtStakeNanos: 6e9 }),
    ])
  })

  it('resolves after two quiet hours, and a later candidate opens a new anomaly', () => {
    const book = new AnomalyBook('default', [], () => START + 10 * HOUR_MS)
    book.observe([candidate(0, 1)], START)
    book.settle(START + HOUR_MS)
    expect(book.touched()[0]?.state).toBe('open')
    book.settle(START + 2 * HOUR_MS)
    expect(book.touched()[0]?.state).toBe('resolved')
    book.observe([candidate(5, 1)], START)
    const ids = new Set(book.touched().map((anomaly) => anomaly.id))
    expect(ids.size).toBe(2)
  })
})
