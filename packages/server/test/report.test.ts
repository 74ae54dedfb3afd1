import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { Lexer, type Token, type Tokens } from 'marked'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnalyticsQuery, SpendReport } from '../src/api/api-types.js'
import { BUDGET_DEFINITION_SCHEMA, toDefinition } from '../src/budgets/budget-definition.js'
import { createBudgetService } from '../src/budgets/budget-service.js'
import { reconcile } from '../src/invoice/reconcile.js'
import { syncStatuses } from '../src/invoice/sync-status.js'
import { buildReport, type ReportRequest } from '../src/report/build-report.js'
import { REPORT_CSV_COLUMNS, renderReport } from '../src/report/render-report.js'
import { reportPeriod } from '../src/report/report-period.js'
import { ANOMALIES_TABLE, type AnomalyRecord } from '../src/schema/anomalies-table.js'
import { invoiceLine } from '../src/schema/invoice-table.js'
import { startServer } from '../src/start-server.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { runCli } from './cli-process.js'
import { costEvent } from './store-contract.js'

const iso = (ms: number) => new Date(ms).toISOString()
const span = (spec: string, zone: string, now: string) => {
  const period = reportPeriod(spec, zone, Date.parse(now))
  return [iso(period.from), iso(period.to), iso(period.previous.from), iso(period.previous.to)]
}

describe('report periods', () => {
  it('last-month is the calendar month before, against the month before it, cut at local midnight', () => {
    // New York is UTC−5 in winter: February 1 00:00 local is 05:00Z.
    expect(span('last-month', 'America/New_York', '2026-03-15T12:00:00Z')).toEqual([
      '2026-02-01T05:00:00.000Z',
      '2026-03-01T05:00:00.000Z',
      '2026-01-01T05:00:00.000Z',
      '2026-02-01T05:00:00.000Z',
    ])
    // Just past midnight local on April 1 (03:30Z is still March 31 in New York, EDT = UTC−4).
    expect(span('last-month', 'America/New_York', '2026-04-01T03:30:00Z')[0]).toBe('2026-02-01T05:00:00.000Z')
    expect(span('last-month', 'America/New_York', '2026-04-01T04:30:00Z')[0]).toBe('2026-03-01T05:00:00.000Z')
  })

  it('a week across the spring DST change is 167 hours, from Monday to Monday', () => {
    // Europe/Paris moves to CEST on Sunday 2026-03-29: Monday the 23rd 00:00 CET is 22 March 23:00Z,
    // Monday the 30th 00:00 CEST is 29 March 22:00Z.
    const [from, to, previousFrom, previousTo] = span('last-week', 'Europe/Paris', '2026-04-01T10:00:00Z')
    expect([from, to, previousFrom, previousTo]).toEqual([
      '2026-03-22T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
      '2026-03-15T23:00:00.000Z',
      '2026-03-22T23:00:00.000Z',
    ])
    expect((Date.parse(to as string) - Date.parse(from as string)) / 3_600_000).toBe(167)
  })

  it('yesterday across the autumn DST change is 25 hours', () => {
    // 2026-10-25 in Paris: CEST until 03:00, then CET. Midnight is 22:00Z before, 23:00Z after.
    const [from, to] = span('yesterday', 'Europe/Paris', '2026-10-26T12:00:00Z')
    expect([from, to]).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z'])
  })

  it('this-month runs to now, against as long a time from the previous month’s start, never past it', () => {
    // 14 days and 12 hours into December (UTC): November 1 to November 15 12:00.
    expect(span('this-month', 'UTC', '2026-12-15T12:00:00Z')).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2026-12-15T12:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
      '2026-11-15T12:00:00.000Z',
    ])
    // March 31 is 30.5 days in; February has 28: the comparison stops at March 1.
    expect(span('this-month', 'UTC', '2026-03-31T12:00:00Z').slice(2)).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ])
  })

  it('last-7-days and FROM..TO are whole local days, against as many days before', () => {
    expect(span('last-7-days', 'Asia/Tokyo', '2026-11-20T01:00:00Z')).toEqual([
      // Tokyo (UTC+9): it is November 20 10:00 there; the 7 days are November 13 to 19.
      '2026-11-12T15:00:00.000Z',
      '2026-11-19T15:00:00.000Z',
      '2026-11-05T15:00:00.000Z',
      '2026-11-12T15:00:00.000Z',
    ])
    // 30 days of November, against the 30 days before: October 2 to 31.
    expect(span('2026-11-01..2026-11-30', 'UTC', '2026-12-07T00:00:00Z')).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
      '2026-10-02T00:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
    ])
  })

  it('a period it cannot read is an error saying what it takes', () => {
    const now = Date.parse('2026-12-07T00:00:00Z')
    expect(() => reportPeriod('last-year', 'UTC', now)).toThrow(/expected one of last-month, this-month/)
    expect(() => reportPeriod('2026-02-30..2026-03-01', 'UTC', now)).toThrow(/"2026-02-30" is not a date/)
    expect(() => reportPeriod('2026-03-02..2026-03-01', 'UTC', now)).toThrow(/2026-03-02 is after 2026-03-01/)
  })
})

/**
 * A week of two features and two customers against the week before, worked out by hand (UTC, the
 * weeks of 2026-11-02 and 2026-11-09):
 * - before: search/acme $1.00, chat/globex $2.00, and chat $0.10 at 2026-11-08 23:30Z = $3.10;
 * - this week: search/acme $3.00, chat/globex $0.50, tagging (no customer) $0.25, and a search call
 *   of no known price = $3.75 over 4 calls.
 * Change +$0.65 (0.65 / 3.10 = 20.97%); search +$2.00 (+200%), tagging +$0.25 (new), chat −$1.60.
 * In Europe/Paris the 23:30Z call is Monday 00:30 local: this week's, not the week before's.
 */
const DAY = 86_400_000
const NOV_4 = Date.UTC(2026, 10, 4, 10)
const NOV_10 = Date.UTC(2026, 10, 10, 10)
const EVENTS = [
  costEvent({ event_id: 'p1', ts: iso(NOV_4), feature: 'search', customer_id: 'acme', cost_usd: 1 }),
  costEvent({ event_id: 'p2', ts: iso(NOV_4), feature: 'chat', customer_id: 'globex', cost_usd: 2 }),
  costEvent({
    event_id: 'p3',
    ts: '2026-11-08T23:30:00.000Z',
    feature: 'chat',
    customer_id: 'globex',
    cost_usd: 0.1,
  }),
  costEvent({ event_id: 'c1', ts: iso(NOV_10), feature: 'search', customer_id: 'acme', cost_usd: 3 }),
  costEvent({ event_id: 'c2', ts: iso(NOV_10), feature: 'chat', customer_id: 'globex', cost_usd: 0.5 }),
  costEvent({ event_id: 'c3', ts: iso(NOV_10), feature: 'tagging', cost_usd: 0.25 }),
  costEvent({
    event_id: 'c4',
    ts: iso(NOV_10),
    feature: 'search',
    customer_id: 'acme',
    model: 'a-model-no-catalog-knows',
    pricing_status: 'unpriced',
    cost_usd: null,
  }),
]
const WEEK = '2026-11-09..2026-11-15'

function anomaly(id: string, state: AnomalyRecord['state'], dollars: number): AnomalyRecord {
  return {
    id,
    project: 'default',
    kind: 'spend_spike',
    scopeDimension: 'feature',
    scopeValue: 'search',
    start: NOV_10,
    end: NOV_10 + 3_600_000,
    measure: 'cost_usd',
    observed: 10,
    expected: 1,
    moneyAtStakeNanos: dollars * 1e9,
    lastHourNanos: dollars * 1e9,
    severity: 'medium',
    state,
    summary: `made by the report suite (${id})`,
    detectedAt: NOV_10,
    updatedAt: NOV_10,
  }
}

const ENGINES: [string, (folder: string) => string][] = [
  ['DuckDB', (folder) => join(folder, 'events.duckdb')],
  ['ClickHouse (chDB)', (folder) => `chdb://${join(folder, 'chdb')}`],
]

describe.each(ENGINES)('the report on %s', (_engine, location) => {
  let folder: string
  let store: Store
  const budgets = () =>
    createBudgetService({
      store,
      file: [
        {
          project: 'default',
          id: 'monthly',
          definition: toDefinition(
            'monthly',
            BUDGET_DEFINITION_SCHEMA.parse({ name: 'Everything', period: 'month', amountUsd: 50 }),
          ),
        },
      ],
    })
  const report = (overrides: Partial<ReportRequest> = {}) =>
    buildReport(
      { store, budgets: budgets() },
      {
        project: 'default',
        period: WEEK,
        timeZone: 'UTC',
        by: ['feature', 'customer_id'],
        top: 5,
        ...overrides,
      },
    )

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-report-'))
    store = await openStore(location(folder))
    await store.append(EVENTS)
    await store.writeRecords(ANOMALIES_TABLE, [
      anomaly('open-one', 'open', 9),
      anomaly('seen-one', 'acknowledged', 2),
      anomaly('over', 'resolved', 50),
    ])
    // One day of invoice in the week: $4.20 of gpt-4o-mini on November 10.
    const day = Date.UTC(2026, 10, 10)
    await store.replaceInvoiceLines(
      { project: 'default', provider: 'openai', source: 'costs', from: day, to: day + DAY },
      [
        invoiceLine({
          provider: 'openai',
          source: 'costs',
          bucket_start: day,
          bucket_end: day + DAY,
          model: 'gpt-4o-mini-2024-07-18',
          line_item: 'gpt-4o-mini-2024-07-18, input',
          token_type: 'input',
          amount_nanos: 4_200_000_000,
          currency: 'usd',
        }),
      ],
    )
  })
  afterAll(async () => {
    await store?.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('totals, change and movers are the hand-worked figures', async () => {
    const answer = await report()
    expect(answer.period).toEqual({
      name: WEEK,
      from: '2026-11-09T00:00:00.000Z',
      to: '2026-11-16T00:00:00.000Z',
    })
    expect(answer.previous_period).toEqual({
      from: '2026-11-02T00:00:00.000Z',
      to: '2026-11-09T00:00:00.000Z',
    })
    expect(answer.totals.cost_usd).toBeCloseTo(3.75, 9)
    expect(answer.totals.requests).toBe(4)
    expect(answer.totals.unpriced_count).toBe(1)
    expect(answer.previous_totals.cost_usd).toBeCloseTo(3.1, 9)
    expect(answer.change.cost_usd).toBe(0.65)
    expect(answer.change.cost_ratio).toBeCloseTo(0.65 / 3.1, 12)
    // 4 calls against 3: +1, +33.3%.
    expect(answer.change.requests).toBe(1)
    expect(answer.change.requests_ratio).toBeCloseTo(1 / 3, 12)
    const [feature, customer] = answer.movers
    expect(feature).toEqual({
      dimension: 'feature',
      increases: [
        { value: 'search', cost_usd: 3, previous_cost_usd: 1, change_usd: 2, change_ratio: 2 },
        { value: 'tagging', cost_usd: 0.25, previous_cost_usd: 0, change_usd: 0.25, change_ratio: null },
      ],
      decreases: [
        { value: 'chat', cost_usd: 0.5, previous_cost_usd: 2.1, change_usd: -1.6, change_ratio: -1.6 / 2.1 },
      ],
    })
    expect(customer?.increases.map((mover) => [mover.value, mover.change_usd])).toEqual([
      ['acme', 2],
      ['unattributed', 0.25],
    ])
    expect(customer?.decreases.map((mover) => [mover.value, mover.change_usd])).toEqual([['globex', -1.6]])
  })

  it('its figures are the query model’s for the same periods, in any time zone', async () => {
    for (const timeZone of ['UTC', 'Europe/Paris', 'America/Los_Angeles']) {
      const answer = await report({ timeZone })
      for (const [range, totals] of [
        [answer.period, answer.totals],
        [answer.previous_period, answer.previous_totals],
      ] as const) {
        const query: AnalyticsQuery = {
          from: new Date(range.from),
          to: new Date(range.to),
          timeZone,
          filters: [],
          groupBy: [],
          metrics: [
            'cost_usd',
            'requests',
            'input_tokens',
            'output_tokens',
            'total_tokens',
            'unpriced_count',
          ],
          project: 'default',
        }
        const [row] = await store.query(query)
        expect(totals).toEqual({
          cost_usd: row?.cost_usd ?? null,
          requests: row?.requests ?? 0,
          input_tokens: row?.input_tokens ?? 0,
          output_tokens: row?.output_tokens ?? 0,
          total_tokens: row?.total_tokens ?? 0,
          unpriced_count: row?.unpriced_count ?? 0,
        })
        const byFeature = await store.query({ ...query, groupBy: ['feature'], metrics: ['cost_usd'] })
        const movers = answer.movers[0]
        for (const mover of [...(movers?.increases ?? []), ...(movers?.decreases ?? [])]) {
          const side = range === answer.period ? mover.cost_usd : mover.previous_cost_usd
          expect(side).toBeCloseTo(byFeature.find((entry) => entry.feature === mover.value)?.cost_usd ?? 0, 9)
        }
      }
    }
    // The 23:30Z call is Monday's in Paris: this week $3.85, the week before $3.00.
    const paris = await report({ timeZone: 'Europe/Paris' })
    expect(paris.totals.cost_usd).toBeCloseTo(3.85, 9)
    expect(paris.previous_totals.cost_usd).toBeCloseTo(3, 9)
  })

  it('the invoice coverage is the reconciliation’s over the UTC days of the period', async () => {
    const answer = await report()
    const from = Date.UTC(2026, 10, 9)
    const to = Date.UTC(2026, 10, 16)
    const reconciled = await reconcile(store, {
      project: 'default',
      from,
      to,
      by: 'day',
      sync: await syncStatuses(store, 'default'),
    })
    expect(answer.invoice).toMatchObject({
      from: iso(from),
      to: iso(to),
      invoiced_usd: 4.2,
      tracked_usd: reconciled.totals.tracked_usd,
      coverage: reconciled.totals.coverage,
      summary: reconciled.summary,
      providers: ['openai'],
    })
    // Only November 10 is invoiced, where $3.75 was tracked: 3.75 / 4.20.
    expect(answer.invoice?.coverage).toBeCloseTo(3.75 / 4.2, 9)
    expect((await report({ period: '2026-10-01..2026-10-07' })).invoice).toBeNull()
  })

  it('lists the anomalies not yet resolved, most money first, and the budgets', async () => {
    const answer = await report({ top: 1 })
    expect(answer.anomalies).toMatchObject({ open: 1, acknowledged: 1, money_at_stake_usd: 11 })
    expect(answer.anomalies.top.map((entry) => entry.id)).toEqual(['open-one'])
    const listed = await budgets().list('default')
    expect(answer.budgets).toEqual(
      listed.budgets.map((budget) =>
        expect.objectContaining({ id: budget.id, name: 'Everything', amount_usd: 50, period: 'month' }),
      ),
    )
  })

  it('every format reads back: JSON whole, CSV by a CSV parser, Markdown as GFM tables', async () => {
    const answer = await report()
    expect(JSON.parse(renderReport(answer, 'json'))).toEqual(answer)
    checkCsv(answer, renderReport(answer, 'csv'))
    checkMarkdown(renderReport(answer, 'md'), [
      'Totals',
      'Top movers by feature',
      'Top movers by customer_id',
      'Invoice coverage',
      'Open anomalies',
      'Budgets',
    ])
    const table = renderReport(answer, 'table')
    expect(table).toContain('Top movers by feature')
    expect(table).toContain('+$2.00 (+200.0%)')
  })
})

/** The CSV's figures, read back by csv-parse, are the report's. */
function checkCsv(answer: SpendReport, csv: string) {
  const records = parse(csv, { columns: true, cast: true }) as Record<string, string | number>[]
  expect(Object.keys(records[0] ?? {})).toEqual([...REPORT_CSV_COLUMNS])
  const cost = records.find((record) => record.section === 'totals' && record.measure === 'cost_usd')
  expect(cost).toMatchObject({
    current: answer.totals.cost_usd,
    previous: answer.previous_totals.cost_usd,
    change: answer.change.cost_usd,
  })
  const increases = records.filter(
    (record) => record.section === 'increase' && record.dimension === 'feature',
  )
  expect(increases.map((record) => [record.value, record.change])).toEqual(
    answer.movers[0]?.increases.map((mover) => [mover.value, mover.change_usd]),
  )
  expect(records.filter((record) => record.section === 'anomaly').map((record) => record.value)).toEqual(
    answer.anomalies.top.map((entry) => entry.id),
  )
}

/** Every section is a heading, and those with rows (`tabled`) a table whose rows have the header's cells. */
function checkMarkdown(markdown: string, tabled: string[]) {
  const tokens = new Lexer({ gfm: true }).lex(markdown)
  const headings = tokens.filter((token): token is Tokens.Heading => token.type === 'heading')
  expect(headings.map((heading) => heading.text)).toEqual(
    expect.arrayContaining(['Invoice coverage', 'Open anomalies']),
  )
  const tables = tokens.filter((token: Token): token is Tokens.Table => token.type === 'table')
  // Each table follows its section's heading.
  const titled = tables.map((table) => {
    const heading = tokens.slice(0, tokens.indexOf(table)).findLast((token) => token.type === 'heading')
    return (heading as Tokens.Heading).text
  })
  expect(titled).toEqual(tabled)
  for (const table of tables) for (const row of table.rows) expect(row).toHaveLength(table.header.length)
  const totals = tables[0] as Tokens.Table
  expect(totals.rows.map((row) => row[0]?.text)).toEqual([
    'Cost',
    'Requests',
    'Input tokens',
    'Output tokens',
    'Total tokens',
    'Unpriced calls',
  ])
}

// Each run is a Node process opening the store: seconds apiece on a loaded machine.
describe('spendlens report as a process', { timeout: 180_000 }, () => {
  let folder: string
  let storePath: string

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-report-cli-'))
    storePath = join(folder, 'events.duckdb')
    const store = await openStore(storePath)
    await store.append(EVENTS)
    await store.close()
  })
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  const cli = (...args: string[]) => runCli(['report', '--store', storePath, '--period', WEEK, ...args])

  it('prints the report in every format from the store file', async () => {
    const json = await cli('--format', 'json', '--by', 'feature,customer')
    expect(json.status, json.stderr).toBe(0)
    const answer = JSON.parse(json.stdout) as SpendReport
    expect(answer.change.cost_usd).toBe(0.65)
    expect(answer.movers.map((movers) => movers.dimension)).toEqual(['feature', 'customer_id'])
    const csv = await cli('--format', 'csv')
    expect(csv.status, csv.stderr).toBe(0)
    checkCsv(answer, csv.stdout)
    const markdown = await cli('--format', 'md')
    expect(markdown.status, markdown.stderr).toBe(0)
    // No invoice, anomaly or budget in this store: those sections are a sentence each.
    checkMarkdown(markdown.stdout, ['Totals', 'Top movers by feature', 'Top movers by customer_id'])
    const table = await cli()
    expect(table.stdout).toContain('Spend report · project default · 2026-11-09..2026-11-15')
  })

  it('refuses bad flags with a message naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--period', 'last-year'],
        /option '--period <period>' argument 'last-year' is invalid\. period "last-year": expected one of/,
      ],
      [['--by', 'feature,colour'], /"colour" is not a dimension/],
      [['--by', 'feature,feature'], /a dimension appears twice/],
      [['--format', 'pdf'], /Allowed choices are table, md, csv, json/],
      [['--tz', 'Mars/Olympus'], /"Mars\/Olympus" is not an IANA time zone/],
      [['--top', '0'], /expected a whole number from 1 to 100/],
    ]
    const runs = await Promise.all(cases.map(([args]) => runCli(['report', '--store', storePath, ...args])))
    cases.forEach(([, message], index) => {
      expect(runs[index]?.status).not.toBe(0)
      expect(runs[index]?.stderr).toMatch(message)
    })
    const missing = await runCli(['report', '--store', join(folder, 'none.duckdb')])
    expect(missing.stderr).toContain('no store at')
  })

  it('goes through the server that holds the store, with the same figures', async () => {
    const direct = JSON.parse((await cli('--format', 'json', '--tz', 'Europe/Paris')).stdout) as SpendReport
    const server = await startServer({ store: storePath, port: 0, demo: false })
    try {
      const env = { ...process.env, SPENDLENS_PORT: new URL(server.url).port, PORT: '1' }
      const run = await runCli(
        ['report', '--store', storePath, '--period', WEEK, '--format', 'json', '--tz', 'Europe/Paris'],
        env,
      )
      expect(run.status, run.stderr).toBe(0)
      const through = JSON.parse(run.stdout) as SpendReport
      const { generated_at: _a, budgets: _b, ...figures } = through
      const { generated_at: _c, budgets: _d, ...expected } = direct
      expect(figures).toEqual(expected)
      const bad = await fetch(`${server.url}api/report?period=${WEEK}&by=colour`)
      expect(bad.status).toBe(400)
      expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
        '"colour" is not a dimension',
      )
    } finally {
      await server.close()
    }
  })
})
