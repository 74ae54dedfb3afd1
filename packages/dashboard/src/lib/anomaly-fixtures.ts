// What the anomaly tests build on: an anomaly as GET /api/anomalies answers it.

import type { Anomaly } from '@spendlens/server/api-types'

/** A spend spike of feature chat, 13:00 to 16:00 UTC on 2026-12-01; `overrides` change what a test is about. */
export function anomaly(overrides: Partial<Anomaly> = {}): Anomaly {
  return {
    id: 'a1',
    kind: 'spend_spike',
    scope: { dimension: 'feature', value: 'chat' },
    start: '2026-12-01T13:00:00.000Z',
    end: '2026-12-01T16:00:00.000Z',
    measure: 'cost_usd',
    observed: 22.54,
    expected: 2.59,
    money_at_stake_usd: 19.95,
    severity: 'medium',
    state: 'open',
    summary: 'feature chat spent $22.54 in its peak hour, 8.7× the $2.59 usual for that hour of the week.',
    ...overrides,
  }
}
