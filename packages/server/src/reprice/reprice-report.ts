import Table from 'cli-table3'
import type { RepriceLine, RepriceReport } from './reprice-events.js'

const count = (value: number) => value.toLocaleString('en-US')

/** Nano-dollars as dollars, exact: every digit there is, at least two decimals. */
export function dollars(nanos: number, sign = false): string {
  const text = (Math.abs(nanos) / 1e9).toFixed(9).replace(/(\.\d\d\d*?)0+$/, '$1')
  const prefix = nanos < 0 ? '-' : sign && nanos > 0 ? '+' : ''
  return `${prefix}$${text}`
}

const TABLE_STYLE = { head: [], border: [], compact: true }

const sum = (lines: RepriceLine[], key: keyof RepriceLine) =>
  lines.reduce((total, line) => total + (line[key] as number), 0)

/** The report as the CLI prints it: what changed by day and model, then what was left alone. */
export function formatRepriceReport(report: RepriceReport, location: string): string[] {
  const out: string[] = []
  const repriced = report.lines.filter((line) => line.repriced > 0)
  const priced = report.lines.filter((line) => line.newly_priced > 0)
  const changed = sum(report.lines, 'repriced') + sum(report.lines, 'newly_priced')
  out.push(
    `${report.dryRun ? 'Dry run, nothing written: would reprice' : 'Repriced'} ${count(changed)} of ${count(report.examined)} events in ${location}.`,
  )
  if (repriced.length > 0) {
    const table = new Table({
      head: ['day (UTC)', 'model', 'events', 'cost before', 'cost after', 'difference'],
      colAligns: ['left', 'left', 'right', 'right', 'right', 'right'],
      style: TABLE_STYLE,
    })
    for (const line of repriced)
      table.push([
        line.day,
        `${line.provider}/${line.model}`,
        count(line.repriced),
        dollars(line.before_nanos),
        dollars(line.after_nanos),
        dollars(line.after_nanos - line.before_nanos, true),
      ])
    const before = sum(repriced, 'before_nanos')
    const after = sum(repriced, 'after_nanos')
    table.push([
      'total',
      '',
      count(sum(repriced, 'repriced')),
      dollars(before),
      dollars(after),
      dollars(after - before, true),
    ])
    out.push('', 'Cost changed:', table.toString())
  }
  if (priced.length > 0) {
    const table = new Table({
      head: ['day (UTC)', 'model', 'events', 'cost'],
      colAligns: ['left', 'left', 'right', 'right'],
      style: TABLE_STYLE,
    })
    for (const line of priced)
      table.push([
        line.day,
        `${line.provider}/${line.model}`,
        count(line.newly_priced),
        dollars(line.newly_priced_nanos),
      ])
    table.push(['total', '', count(sum(priced, 'newly_priced')), dollars(sum(priced, 'newly_priced_nanos'))])
    out.push('', 'Unpriced before, priced now:', table.toString())
  }
  const kept: string[] = []
  if (report.kept.client > 0)
    kept.push(`${count(report.kept.client)} with a cost the sender supplied (client)`)
  if (report.kept.rules > 0)
    kept.push(
      `${count(report.kept.rules)} priced by a custom price or discount this price file does not have`,
    )
  if (report.kept.unknown > 0)
    kept.push(
      `${count(report.kept.unknown)} of models these prices do not know (a known cost is never made unknown)`,
    )
  if (kept.length > 0) out.push('', `Kept as they were: ${kept.join('; ')}.`)
  if (report.changedMeanwhile > 0)
    out.push(
      '',
      `${count(report.changedMeanwhile)} changed while being repriced (a newer version arrived) and were left alone; run again to reprice them.`,
    )
  return out
}

/** The report as `--format json` prints it: money in dollars, exact to the nano-dollar. */
export function repriceReportJson(report: RepriceReport) {
  const usd = (nanos: number) => nanos / 1e9
  return {
    dry_run: report.dryRun,
    examined: report.examined,
    repriced: report.lines
      .filter((line) => line.repriced > 0)
      .map((line) => ({
        day: line.day,
        provider: line.provider,
        model: line.model,
        events: line.repriced,
        before_usd: usd(line.before_nanos),
        after_usd: usd(line.after_nanos),
        difference_usd: usd(line.after_nanos - line.before_nanos),
      })),
    newly_priced: report.lines
      .filter((line) => line.newly_priced > 0)
      .map((line) => ({
        day: line.day,
        provider: line.provider,
        model: line.model,
        events: line.newly_priced,
        cost_usd: usd(line.newly_priced_nanos),
      })),
    kept: report.kept,
    changed_meanwhile: report.changedMeanwhile,
  }
}
