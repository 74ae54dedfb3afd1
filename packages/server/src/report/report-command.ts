import { type Command, InvalidArgumentError, Option } from 'commander'
import type { Dimension, SpendReport } from '../api/api-types.js'
import { createBudgetService } from '../budgets/budget-service.js'
import { addServerOptions, openStoreOrServer, type ServerOptions } from '../remote/store-or-server.js'
import { checkProjectName, DEFAULT_PROJECT } from '../schema/projects.js'
import { buildReport } from './build-report.js'
import { REPORT_FORMATS, type ReportFormat, renderReport } from './render-report.js'
import { REPORT_PERIODS, reportPeriod } from './report-period.js'
import {
  DEFAULT_REPORT_BY,
  DEFAULT_REPORT_PERIOD,
  DEFAULT_REPORT_TOP,
  parseReportBy,
  parseReportTimeZone,
  parseReportTop,
} from './report-request.js'

interface ReportOptions extends ServerOptions {
  store: string
  period: string
  by: Dimension[]
  format: ReportFormat
  project?: string
  tz: string
  top: number
}

/** A checker of report-request.ts as commander's argument parser: its message becomes the flag's error. */
function flag<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value)
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message)
    }
  }
}

/**
 * `spendlens report`: the spend report (report/build-report.ts) of one project, read from the store
 * itself, or through the running server that holds it (GET /api/report, the same code), printed
 * as a terminal table, Markdown, CSV or JSON.
 */
export function registerReportCommand(program: Command, store: { default: string; help: string }): void {
  addServerOptions(
    program
      .command('report')
      .description(
        'the spend summary of a period: totals against the previous period, top movers, invoice coverage, open anomalies, budgets',
      )
      .option('--store <location>', store.help, store.default)
      .option(
        '--period <period>',
        `${REPORT_PERIODS.join(', ')}, or FROM..TO (YYYY-MM-DD..YYYY-MM-DD, both days included)`,
        flag((value) => {
          reportPeriod(value, 'UTC', Date.now())
          return value
        }),
        DEFAULT_REPORT_PERIOD,
      )
      .option(
        '--by <dimensions>',
        `comma-separated dimensions whose top movers are listed (customer for customer_id, user for user_id; default ${DEFAULT_REPORT_BY.join(',')})`,
        flag(parseReportBy),
        DEFAULT_REPORT_BY,
      )
      .addOption(
        new Option('--format <format>', 'output')
          .choices(REPORT_FORMATS as unknown as string[])
          .default('table'),
      )
      .option(
        '--project <name>',
        'the project (default: default; through a server, its key’s own)',
        flag(checkProjectName),
      )
      .option('--tz <zone>', 'IANA time zone the period is cut in', flag(parseReportTimeZone), 'UTC')
      .option(
        '--top <count>',
        'movers listed each way per dimension, and anomalies listed',
        flag(parseReportTop),
        DEFAULT_REPORT_TOP,
      ),
  ).action(async (options: ReportOptions) => {
    process.stdout.write(renderReport(await readReport(options), options.format))
  })
}

async function readReport(options: ReportOptions): Promise<SpendReport> {
  const opened = await openStoreOrServer(options.store, { ...options, mustExist: true })
  if (opened.kind === 'server') {
    const query = new URLSearchParams({
      period: options.period,
      by: options.by.join(','),
      tz: options.tz,
      top: String(options.top),
    })
    return opened.client.json<SpendReport>('GET', `api/report?${query}`, { project: options.project })
  }
  try {
    return await buildReport(
      { store: opened.store, budgets: createBudgetService({ store: opened.store }) },
      {
        project: options.project ?? DEFAULT_PROJECT,
        period: options.period,
        timeZone: options.tz,
        by: options.by,
        top: options.top,
      },
    )
  } finally {
    await opened.store.close()
  }
}
