import Table from 'cli-table3'
import { stringify } from 'csv-stringify/sync'
import { formatUsd, headline } from '../alerts/alert-message.js'
import type { ReportMover, ReportTotals, SpendReport } from '../api/api-types.js'
import { localParts } from '../budgets/budget-period.js'

/** The formats of `spendlens report --format`. */
export const REPORT_FORMATS = ['table', 'md', 'csv', 'json'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

/** One part of a report as people read it: a table (its first column a label), and a sentence under it. */
export interface ReportSection {
  title: string
  head: string[]
  rows: string[][]
  note?: string
}

/** The figures of the totals section, by label: what each row is and how it reads. */
const TOTAL_ROWS: { label: string; key: keyof ReportTotals; money?: boolean }[] = [
  { label: 'Cost', key: 'cost_usd', money: true },
  { label: 'Requests', key: 'requests' },
  { label: 'Input tokens', key: 'input_tokens' },
  { label: 'Output tokens', key: 'output_tokens' },
  { label: 'Total tokens', key: 'total_tokens' },
  { label: 'Unpriced calls', key: 'unpriced_count' },
]

/** The report in the chosen format, ending with a newline. */
export function renderReport(report: SpendReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`
    case 'csv':
      return reportCsv(report)
    case 'md':
      return reportMarkdown(report)
    case 'table':
      return reportTable(report)
  }
}

/** `Spend report · project shop · last-month: 2026-11-01 00:00 → 2026-12-01 00:00 (Europe/Paris)`. */
export function reportTitle(report: SpendReport): string {
  const zone = report.time_zone
  const range = (from: string, to: string) => `${localTime(from, zone)} → ${localTime(to, zone)}`
  return `Spend report · project ${report.project} · ${report.period.name}: ${range(report.period.from, report.period.to)} (${zone}), against ${range(report.previous_period.from, report.previous_period.to)}`
}

/** What a person reads: totals with their change, movers, invoice coverage, anomalies and budgets. */
export function reportSections(report: SpendReport): ReportSection[] {
  const sections: ReportSection[] = []
  const unpriced = report.totals.unpriced_count
  sections.push({
    title: 'Totals',
    head: ['', 'this period', 'previous', 'change'],
    rows: TOTAL_ROWS.map(({ label, key, money }) => {
      const now = report.totals[key]
      const before = report.previous_totals[key]
      const show = (value: number | null) => (money ? moneyOrUnknown(value) : count(value))
      return [label, show(now), show(before), changeText((now ?? 0) - (before ?? 0), before ?? 0, money)]
    }),
    note:
      unpriced > 0
        ? `${count(unpriced)} calls in this period have no known price: their cost is in no figure here (docs/pricing.md).`
        : undefined,
  })
  for (const movers of report.movers) {
    const row = (mover: ReportMover) => [
      mover.value ?? '(none)',
      formatUsd(mover.previous_cost_usd),
      formatUsd(mover.cost_usd),
      changeText(mover.change_usd, mover.previous_cost_usd, true),
    ]
    const rows = [...movers.increases.map(row), ...movers.decreases.map(row)]
    sections.push({
      title: `Top movers by ${movers.dimension}`,
      head: [movers.dimension, 'previous', 'this period', 'change'],
      rows,
      note: rows.length === 0 ? 'No value’s cost changed.' : undefined,
    })
  }
  const invoice = report.invoice
  sections.push(
    invoice
      ? {
          title: 'Invoice coverage',
          head: ['UTC days', 'invoiced', 'tracked', 'coverage', 'gap'],
          rows: [
            [
              `${invoice.from.slice(0, 10)} to ${new Date(Date.parse(invoice.to) - 86_400_000).toISOString().slice(0, 10)}`,
              formatUsd(invoice.invoiced_usd),
              formatUsd(invoice.tracked_usd),
              invoice.coverage === null ? '-' : percent(invoice.coverage),
              signedUsd(invoice.gap_usd),
            ],
          ],
          note: `${invoice.summary}${invoice.tracked_outside_invoice_usd > 0 ? ` ${formatUsd(invoice.tracked_outside_invoice_usd)} tracked on days or providers no synced invoice covers yet is left out.` : ''}`,
        }
      : {
          title: 'Invoice coverage',
          head: [],
          rows: [],
          note: 'No provider invoice is synced into this project (docs/invoice.md).',
        },
  )
  const anomalies = report.anomalies
  const unresolved = anomalies.open + anomalies.acknowledged
  sections.push({
    title: 'Open anomalies',
    head: ['anomaly', 'state', 'money at stake', 'since'],
    rows: anomalies.top.map((anomaly) => [
      headline(anomaly),
      anomaly.state,
      formatUsd(anomaly.money_at_stake_usd),
      localTime(anomaly.start, report.time_zone),
    ]),
    note:
      unresolved === 0
        ? 'None.'
        : `${anomalies.open} open, ${anomalies.acknowledged} acknowledged; ${formatUsd(anomalies.money_at_stake_usd)} at stake in all${unresolved > anomalies.top.length ? ` (the ${anomalies.top.length} largest listed)` : ''}.`,
  })
  if (report.budgets.length > 0)
    sections.push({
      title: 'Budgets',
      head: ['budget', 'period', 'spent', 'amount', 'used', 'forecast', 'resets'],
      rows: report.budgets.map((budget) => [
        budget.name,
        budget.period,
        formatUsd(budget.spent_usd),
        formatUsd(budget.amount_usd),
        percent(budget.used),
        formatUsd(budget.forecast_usd),
        localTime(budget.resets_at, report.time_zone),
      ]),
    })
  return sections
}

function reportTable(report: SpendReport): string {
  const parts = [reportTitle(report)]
  for (const section of reportSections(report)) parts.push('', section.title, ...sectionLines(section))
  return `${parts.join('\n')}\n`
}

/** A section for a terminal (or a monospaced block): its table drawn in box characters, then its note. */
export function sectionLines(section: ReportSection): string[] {
  const lines: string[] = []
  if (section.rows.length > 0) {
    const table = new Table({ head: section.head, style: { head: [], border: [], compact: true } })
    table.push(...section.rows)
    lines.push(table.toString())
  }
  if (section.note) lines.push(section.note)
  return lines
}

/** GitHub-flavoured Markdown: a heading per section, a pipe table, figures right-aligned. */
export function reportMarkdown(report: SpendReport): string {
  const cell = (text: string) =>
    text
      .replace(/\\/g, '\\\\')
      .replace(/\|/g, '\\|')
      .replace(/[\r\n]+/g, ' ')
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`
  const parts = [`# ${cell(reportTitle(report))}`]
  for (const section of reportSections(report)) {
    parts.push('', `## ${section.title}`, '')
    if (section.rows.length > 0)
      parts.push(
        line(section.head),
        `| ${section.head.map((_, index) => (index === 0 ? '---' : '---:')).join(' | ')} |`,
        ...section.rows.map(line),
      )
    if (section.note) parts.push(...(section.rows.length > 0 ? [''] : []), cell(section.note))
  }
  return `${parts.join('\n')}\n`
}

/** The columns of `--format csv`, one figure a line. */
export const REPORT_CSV_COLUMNS = [
  'section',
  'dimension',
  'value',
  'measure',
  'current',
  'previous',
  'change',
  'change_ratio',
] as const

/**
 * One figure a line, numbers as numbers (dollars, not formatted): `totals` (each measure against
 * the previous period), `increase` and `decrease` (a `by` value's cost), `invoice`, `anomaly`
 * (its id and money at stake) and `budget` (spent of its amount). An empty cell is a figure that
 * does not apply (or, for `current` cost, none known).
 */
function reportCsv(report: SpendReport): string {
  const records: (string | number | null)[][] = []
  const add = (record: Partial<Record<(typeof REPORT_CSV_COLUMNS)[number], string | number | null>>) =>
    records.push(REPORT_CSV_COLUMNS.map((column) => record[column] ?? null))
  const ratios: Partial<Record<keyof ReportTotals, number | null>> = {
    cost_usd: report.change.cost_ratio,
    requests: report.change.requests_ratio,
    total_tokens: report.change.total_tokens_ratio,
  }
  for (const { key } of TOTAL_ROWS) {
    const now = report.totals[key]
    const before = report.previous_totals[key]
    add({
      section: 'totals',
      measure: key,
      current: now,
      previous: before,
      change: key === 'cost_usd' ? report.change.cost_usd : (now ?? 0) - (before ?? 0),
      change_ratio: ratios[key] ?? null,
    })
  }
  for (const movers of report.movers)
    for (const [section, list] of [
      ['increase', movers.increases],
      ['decrease', movers.decreases],
    ] as const)
      for (const mover of list)
        add({
          section,
          dimension: movers.dimension,
          value: mover.value,
          measure: 'cost_usd',
          current: mover.cost_usd,
          previous: mover.previous_cost_usd,
          change: mover.change_usd,
          change_ratio: mover.change_ratio,
        })
  const invoice = report.invoice
  if (invoice)
    for (const measure of ['invoiced_usd', 'tracked_usd', 'gap_usd', 'coverage'] as const)
      add({ section: 'invoice', value: `${invoice.from}..${invoice.to}`, measure, current: invoice[measure] })
  for (const anomaly of report.anomalies.top)
    add({
      section: 'anomaly',
      dimension: anomaly.kind,
      value: anomaly.id,
      measure: 'money_at_stake_usd',
      current: anomaly.money_at_stake_usd,
    })
  for (const budget of report.budgets)
    add({
      section: 'budget',
      dimension: budget.id,
      value: budget.name,
      measure: 'spent_usd',
      current: budget.spent_usd,
      previous: budget.amount_usd,
      change_ratio: budget.used,
    })
  return stringify(records, { header: true, columns: [...REPORT_CSV_COLUMNS] })
}

/** `2026-11-01 00:00` on the zone's wall clock. */
function localTime(isoTime: string, timeZone: string): string {
  const local = localParts(Date.parse(isoTime), timeZone)
  const two = (value: number) => String(value).padStart(2, '0')
  return `${local.year}-${two(local.month)}-${two(local.day)} ${two(local.hour)}:${two(local.minute)}`
}

function moneyOrUnknown(value: number | null): string {
  return value === null ? 'unknown' : formatUsd(value)
}

/** `$4.63`, `−$4.63`. */
function signedUsd(value: number): string {
  return value < 0 ? `−${formatUsd(-value)}` : formatUsd(value)
}

function count(value: number | null): string {
  return (value ?? 0).toLocaleString('en-US')
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`
}

/** `+$234.56 (+23.5%)`, `−1,200 (−4.0%)`, `+$3.00 (new)`, `0`. */
function changeText(change: number, before: number, money = false): string {
  if (change === 0) return money ? formatUsd(0) : '0'
  const sign = change > 0 ? '+' : '−'
  const amount = money ? formatUsd(Math.abs(change)) : Math.abs(change).toLocaleString('en-US')
  const share = before > 0 ? `${sign}${Math.abs((change / before) * 100).toFixed(1)}%` : 'new'
  return `${sign}${amount} (${share})`
}
