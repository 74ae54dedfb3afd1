import Table from 'cli-table3'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { RECONCILE_BY, type ReconcileAnswer, type ReconcileBy, type ReconcileRow } from '../api/api-types.js'
import { utcDay } from '../cli-arguments.js'
import { createProgressLine } from '../data-transfer/progress-line.js'
import { reconcileCsv, reconcileRange } from '../http/invoice-routes.js'
import { INVOICE_PROVIDERS, type InvoiceProvider, isInvoiceProvider } from '../schema/invoice-table.js'
import { checkProjectName, DEFAULT_PROJECT } from '../schema/projects.js'
import { openStore } from '../store/open-store.js'
import type { Store } from '../store/store.js'
import { PROVIDER_REPORTS } from './provider-reports.js'
import { reconcile } from './reconcile.js'
import { syncInvoice } from './sync-invoice.js'
import { syncStatuses } from './sync-status.js'

const DAY_MS = 86_400_000

function wholeDays(value: string): number {
  const days = Number(value)
  if (!Number.isSafeInteger(days) || days < 0)
    throw new InvalidArgumentError('expected a whole number of days ≥ 0')
  return days
}

async function withStore<T>(location: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(location).catch((error: Error) => {
    if (/in use by another spendlens process/.test(error.message))
      throw new Error(
        `${error.message} While it runs, the server syncs on its own (OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY) and answers GET /api/invoice/reconcile (docs/invoice.md).`,
      )
    throw error
  })
  try {
    return await work(store)
  } finally {
    await store.close()
  }
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const money = (usd: number) => `${usd < 0 ? '-' : ''}$${Math.abs(usd).toFixed(2)}`

/**
 * `spendlens sync openai|anthropic` (the providers' own usage and cost reports into the store) and
 * `spendlens reconcile` (how much of the invoice the tracked events explain): docs/invoice.md.
 */
export function registerInvoiceCommands(program: Command, store: { default: string; help: string }): void {
  program
    .command('sync')
    .description(
      "copy a provider's own usage and cost reports (its invoice) into the store, with an admin key",
    )
    .addArgument(
      program
        .createArgument('<provider>', INVOICE_PROVIDERS.join(' or '))
        .choices(INVOICE_PROVIDERS as unknown as string[]),
    )
    .option('--store <location>', store.help, store.default)
    .option('--project <name>', 'the spendlens project the organization belongs to', DEFAULT_PROJECT)
    .option(
      '--since <day>',
      'first UTC day (default: where the last sync ended, less the revised days)',
      utcDay,
    )
    .option('--until <day>', 'last UTC day, included (default: today)', utcDay)
    .option('--base-url <url>', 'the admin API (default: the provider’s; a proxy or a test server)')
    .addOption(
      new Option('--revise-days <n>', 'trailing days fetched again because the provider still revises them')
        .argParser(wholeDays)
        .default(3),
    )
    .action(
      async (
        provider: string,
        options: {
          store: string
          project: string
          since?: number
          until?: number
          baseUrl?: string
          reviseDays: number
        },
      ) => {
        if (!isInvoiceProvider(provider))
          throw new Error(`provider must be one of ${INVOICE_PROVIDERS.join(', ')}`)
        const entry = PROVIDER_REPORTS[provider]
        const key = process.env[entry.keyVariable]
        if (!key) throw new Error(`set ${entry.keyVariable}: ${entry.api.keyHelp}`)
        const progress = createProgressLine('days')
        await withStore(options.store, async (opened) => {
          const result = await syncInvoice({
            store: opened,
            project: checkProjectName(options.project),
            provider: provider as InvoiceProvider,
            sources: entry.reports({
              key,
              baseUrl: options.baseUrl,
              onRetry: (reason, waitMs) =>
                process.stderr.write(`\n${reason}; waiting ${Math.ceil(waitMs / 1000)} s\n`),
            }),
            since: options.since,
            until: options.until === undefined ? undefined : options.until + DAY_MS,
            reviseDays: options.reviseDays,
            onProgress: ({ daysDone, daysTotal, lines }) =>
              progress.update(Math.round(daysDone), daysTotal, `${lines.toLocaleString('en-US')} lines`),
          }).finally(() => progress.stop())
          console.log(
            `Synced ${result.lines.toLocaleString('en-US')} lines of ${provider} reports (${result.pages} pages) from ${isoDay(result.from)} to ${isoDay(result.to - DAY_MS)} into project ${options.project}.`,
          )
        })
      },
    )

  program
    .command('reconcile')
    .description('how much of the providers’ invoice the tracked events explain, and why the rest is missing')
    .option('--store <location>', store.help, store.default)
    .option('--project <name>', 'the spendlens project', DEFAULT_PROJECT)
    .option('--since <day>', 'first UTC day (default: the first of this month)', utcDay)
    .option('--until <day>', 'last UTC day, included (default: today)', utcDay)
    .addOption(
      new Option('--by <cut>', 'rows by').choices(RECONCILE_BY as unknown as string[]).default('day'),
    )
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json', 'csv']).default('table'))
    .option('--estimate', 'spread the invoice before tracking over features and customers (an estimate)')
    .action(
      async (options: {
        store: string
        project: string
        since?: number
        until?: number
        by: ReconcileBy
        format: 'table' | 'json' | 'csv'
        estimate?: boolean
      }) => {
        const project = checkProjectName(options.project)
        const answer = await withStore(options.store, async (opened) =>
          reconcile(opened, {
            project,
            ...reconcileRange(options.since, options.until),
            by: options.by,
            estimate: options.estimate ?? false,
            sync: await syncStatuses(opened, project),
          }),
        )
        if (options.format === 'json') console.log(JSON.stringify(answer, null, 2))
        else if (options.format === 'csv') process.stdout.write(reconcileCsv(answer, 'rows'))
        else console.log(reconcileText(answer))
      },
    )
}

/** The reconciliation as people read it in a terminal: the rows, the totals, the summary. */
function reconcileText(answer: ReconcileAnswer): string {
  const keys: (keyof ReconcileRow)[] =
    answer.by === 'day' ? ['day'] : answer.by === 'model' ? ['provider', 'model'] : ['provider', 'project']
  const head = [
    ...keys,
    'invoiced',
    'tracked',
    'coverage',
    'untracked',
    'price diff',
    'non-model',
    'unexplained',
  ]
  const table = new Table({ head, style: { head: [], border: [], compact: true } })
  const figures = (row: ReconcileAnswer['totals']) => [
    money(row.invoiced_usd),
    money(row.tracked_usd),
    row.coverage === null ? '-' : `${(row.coverage * 100).toFixed(1)}%`,
    money(row.untracked_usage_usd),
    money(row.price_difference_usd),
    money(row.non_model_usd),
    money(row.unexplained_usd),
  ]
  for (const row of answer.rows) table.push([...keys.map((key) => String(row[key] ?? '-')), ...figures(row)])
  table.push([...keys.map((_, index) => (index === 0 ? 'total' : '')), ...figures(answer.totals)])
  const lines = [table.toString(), answer.summary]
  if (answer.before_tracking)
    lines.push(
      `Before tracking (until ${answer.before_tracking.until}), not attributed: ${money(answer.before_tracking.invoiced_usd)} invoiced.`,
    )
  if (answer.tracked_outside_invoice_usd !== 0)
    lines.push(`Tracked on days no synced invoice covers yet: ${money(answer.tracked_outside_invoice_usd)}.`)
  const stale = answer.sync.filter((status) => status.last_error)
  for (const status of stale) lines.push(`Last ${status.provider} sync failed: ${status.last_error}`)
  return lines.join('\n')
}
