// The dashboard declares the query model's wire lists itself (it talks to the server over HTTP
// only); this keeps them equal to the server's.

import { BUCKETS, DIMENSIONS, METRICS } from '@spendlens/server'
import { describe, expect, it } from 'vitest'
import * as dashboard from '../src/lib/analytics-query'

describe("the dashboard's copy of the query model", () => {
  it('lists the same dimensions, metrics and buckets as the server', () => {
    expect([...dashboard.DIMENSIONS]).toEqual([...DIMENSIONS])
    expect([...dashboard.METRICS]).toEqual([...METRICS])
    expect([...dashboard.BUCKETS]).toEqual([...BUCKETS])
  })
})
