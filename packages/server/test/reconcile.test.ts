import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AnalyticsQuery } from '../src/api/api-types.js'
import { reconcile } from '../src/invoice/reconcile.js'
import { syncStatuses } from '../src/invoice/sync-status.js'
import { queryInParts } from '../src/query/query-in-parts.js'
import { type InvoiceLine, invoiceLine } from '../src/schema/invoice-table.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import type { Store } from '../src/store/store.js'
import { costEvent } from './store-contract.js'

/**
 * Reconciliation worked out by hand. Two tracked days of gpt-4o-mini: ten calls a day of 1,000 input
 * and 500 output tokens at $0.00045 each ($0.0045 a day). The provider saw two more calls a day
 * (untracked) and bills every token at 90% of the catalog price; one fine-tuning line of $5; and a
 * day of invoice before the first tracked event.
 *
 * Per tracked day: invoiced I = 0.9 × (12,000 × $0.15/M + 6,000 × $0.60/M) = $0.00486; the usage is
 * the tracked mix × 1.2, so the untracked share is 2/12 whatever the catalog's prices:
 * untracked = $0.00486 / 6 = $0.00081; price difference = I − C − untracked = −$0.00045.
 */
const DAY = 86_400_000
const BEFORE = Date.UTC(2026, 10, 9)
const DAY1 = Date.UTC(2026, 10, 10)
const DAY2 = Date.UTC(2026, 10, 11)
const SNAPSHOT = 'gpt-4o-mini-2024-07-18'

const usage = (day: number, calls: number): InvoiceLine =>
  invoiceLine({
    provider: 'openai',
    source: 'usage/completions',
    bucket_start: day,
    bucket_end: day + DAY,
    model: SNAPSHOT,
    input_tokens: 1000 * calls,
    cache_read_tokens: 0,
    output_tokens: 500 * calls,
    requests: calls,
    batch: false,
  })
const cost = (day: number, kind: 'input' | 'output', nanos: number): InvoiceLine =>
  invoiceLine({
    provider: 'openai',
    source: 'costs',
    bucket_start: day,
    bucket_end: day + DAY,
    model: SNAPSHOT,
    line_item: `${SNAPSHOT}, ${kind}`,
    token_type: kind,
    amount_nanos: nanos,
    currency: 'usd',
  })

describe('reconcile', () => {
  let folder: string
  let store: Store
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-reconcile-'))
    store = await openDuckDBStore(join(folder, 'events.duckdb'))
    const events = [DAY1, DAY2, DAY2 + DAY].flatMap((day) =>
      Array.from({ length: 10 }, (_, index) =>
        costEvent({
          event_id: `${day}-${index}`,
          ts: new Date(day + index * 3_600_000).toISOString(),
          model: SNAPSHOT,
          requested_model: 'gpt-4o-mini',
          input_tokens: 1000,
          cache_read_tokens: 0,
          output_tokens: 500,
          cost_usd: 0.00045,
        }),
      ),
    )
    await store.append(events)
    const lines = [BEFORE, DAY1, DAY2].flatMap((day) => [
      usage(day, 12),
      cost(day, 'input', 1_620_000),
      cost(day, 'output', 3_240_000),
    ])
    lines.push(
      invoiceLine({
        provider: 'openai',
        source: 'costs',
        bucket_start: DAY1,
        bucket_end: DAY1 + DAY,
        line_item: 'fine-tuning training',
        amount_nanos: 5_000_000_000,
        currency: 'usd',
      }),
    )
    const source = (name: string) => lines.filter((line) => line.source === name)
    for (const name of ['costs', 'usage/completions'])
      await store.replaceInvoiceLines(
        { project: 'default', provider: 'openai', source: name, from: BEFORE, to: DAY2 + DAY },
        source(name),
      )
  })
  afterEach(async () => {
    await store.close()
    await rm(folder, { recursive: true, force: true })
  })

  const run = async (by: 'day' | 'model' | 'project', estimate = false) =>
    reconcile(store, {
      project: 'default',
      from: BEFORE,
      to: DAY2 + 2 * DAY,
      by,
      estimate,
      sync: await syncStatuses(store, 'default'),
    })

  it('splits the gap into parts that add up to it, each sized by hand', async () => {
    const answer = await run('day')
    expect(answer.totals.invoiced_usd).toBeCloseTo(5.00972, 12)
    expect(answer.totals.tracked_usd).toBeCloseTo(0.009, 12)
    expect(answer.totals.untracked_usage_usd).toBeCloseTo(0.00162, 12)
    expect(answer.totals.price_difference_usd).toBeCloseTo(-0.0009, 12)
    expect(answer.totals.non_model_usd).toBe(5)
    expect(answer.totals.unexplained_usd).toBe(0)
    expect(answer.totals.coverage).toBeCloseTo(0.009 / 5.00972, 12)
    expect(answer.dominant).toBe('non_model')
    expect(answer.summary).toContain('invoice lines no model call explains')
    expect(answer.rows.map((row) => [row.day, row.invoiced_usd, row.tracked_usd])).toEqual([
      ['2026-11-10', 5.00486, 0.0045],
      ['2026-11-11', 0.00486, 0.0045],
    ])
    // The day after has tracked events but no invoice yet: outside every figure.
    expect(answer.tracked_outside_invoice_usd).toBeCloseTo(0.0045, 12)
  })

  it('cost lines not itemized by kind of token: the catalog weighs the kinds, the parts stay the same', async () => {
    for (const day of [BEFORE, DAY1, DAY2])
      await store.replaceInvoiceLines(
        { project: 'default', provider: 'openai', source: 'costs', from: day, to: day + DAY },
        [
          invoiceLine({
            provider: 'openai',
            source: 'costs',
            bucket_start: day,
            bucket_end: day + DAY,
            model: SNAPSHOT,
            line_item: SNAPSHOT,
            amount_nanos: 4_860_000,
          }),
        ],
      )
    const answer = await run('day')
    expect(answer.totals.invoiced_usd).toBeCloseTo(0.00972, 12)
    expect(answer.totals.untracked_usage_usd).toBeCloseTo(0.00162, 12)
    expect(answer.totals.price_difference_usd).toBeCloseTo(-0.0009, 12)
    expect(answer.totals.non_model_usd).toBe(0)
  })

  it('keeps the invoice before the first tracked event apart, and estimates it only when asked', async () => {
    const answer = await run('model')
    expect(answer.before_tracking).toEqual({
      until: '2026-11-10',
      invoiced_usd: 0.00486,
      rows: [{ provider: 'openai', model: 'gpt-4o-mini', project: null, invoiced_usd: 0.00486 }],
      estimate: null,
    })
    const estimated = await run('model', true)
    expect(estimated.before_tracking?.estimate?.by_feature).toEqual([
      { feature: 'unattributed', estimated_usd: 0.00486 },
    ])
  })

  it('folds snapshots under the catalog model and lists the line items', async () => {
    const answer = await run('model')
    const [fineTuning, model] = answer.rows
    expect(fineTuning).toMatchObject({ provider: 'openai', model: null, invoiced_usd: 5, non_model_usd: 5 })
    expect(model).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', snapshots: [SNAPSHOT] })
    expect(model?.invoiced_usd).toBeCloseTo(0.00972, 12)
    expect(answer.line_items.map((item) => [item.line_item, item.invoiced_usd])).toEqual([
      ['fine-tuning training', 5],
      [`${SNAPSHOT}, output`, 0.00648],
      [`${SNAPSHOT}, input`, 0.00324],
    ])
  })

  it("reads the tracked side whole when it is longer than the API's row cap, and in parts when longer than a part", async () => {
    // 30 days × 350 models: 10,500 day × model rows, past the 10,000 of one API answer.
    const start = Date.UTC(2026, 9, 1)
    const events = Array.from({ length: 30 * 350 }, (_, index) =>
      costEvent({
        event_id: `many-${index}`,
        ts: new Date(start + Math.floor(index / 350) * DAY + 1000).toISOString(),
        model: `model-${index % 350}`,
        input_tokens: 10,
        output_tokens: 1,
        cost_usd: 0.000001,
      }),
    )
    await store.append(events)
    const answer = await reconcile(store, {
      project: 'default',
      from: start,
      to: start + 30 * DAY,
      by: 'day',
      sync: await syncStatuses(store, 'default'),
    })
    // No invoice covers those days: every event's cost is outside it, each counted once.
    expect(answer.tracked_outside_invoice_usd).toBeCloseTo(0.0105, 12)
    // The same rows when parts hold at most 1,000 (halved down to 3.75 days of 350 rows).
    const query: AnalyticsQuery & { from: Date; to: Date } = {
      project: 'default',
      from: new Date(start),
      to: new Date(start + 30 * DAY),
      timeZone: 'UTC',
      bucket: 'day',
      filters: [],
      groupBy: ['model'],
      metrics: ['requests', 'cost_usd'],
    }
    const run = (current: AnalyticsQuery) => store.query(current)
    const inParts = await queryInParts(run, query, DAY, 1000)
    expect(inParts).toHaveLength(10_500)
    expect(new Set(inParts.map((row) => `${row.bucket_start} ${row.model}`)).size).toBe(10_500)
    await expect(queryInParts(run, { ...query, to: new Date(start + DAY) }, DAY, 100)).rejects.toThrow(
      /more than 100 rows/,
    )
  })
})
