import { readFile } from 'node:fs/promises'
import Table from 'cli-table3'
import { type Command, Option } from 'commander'
import type { RevenueAnswer, RevenueEntry } from '../api/api-types.js'
import { checkProjectName, DEFAULT_PROJECT } from '../schema/projects.js'
import { openStore } from '../store/open-store.js'
import { parseRevenueCsv, readRevenue, revenueAnswer, writeRevenue } from './revenue.js'

interface RevenueOptions {
  store: string
  project: string
  server?: string
}

const entryKey = (entry: Pick<RevenueEntry, 'customer_id' | 'month'>) =>
  JSON.stringify([entry.customer_id, entry.month ?? null])

/** A running server's revenue, through its API with the admin key in SPENDLENS_API_KEY. */
async function viaServer(server: string, project: string, method: 'GET' | 'PUT', body?: unknown) {
  const key = process.env.SPENDLENS_API_KEY
  const response = await fetch(new URL('api/revenue', server.endsWith('/') ? server : `${server}/`), {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      'x-spendlens-project': project,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const answer = (await response.json().catch(() => ({}))) as RevenueAnswer & { error?: { message?: string } }
  if (!response.ok)
    throw new Error(
      `${server} answered ${response.status} to ${method} /api/revenue: ${answer.error?.message ?? response.statusText}${response.status === 401 || response.status === 403 ? ' (set SPENDLENS_API_KEY to an admin key of the project)' : ''}`,
    )
  return answer
}

/**
 * `spendlens revenue import file.csv` (what each customer pays, from a billing export) and
 * `spendlens revenue list`: into the store, or through a running server's API with `--server`.
 */
export function registerRevenueCommands(program: Command, store: { default: string; help: string }): void {
  const revenue = program
    .command('revenue')
    .description('what each customer pays, to set its LLM cost against (docs/decisions.md)')

  revenue
    .command('import')
    .description(
      'read a CSV of customer_id, monthly_revenue_usd, and optionally plan and month (YYYY-MM); a file with a bad line is refused whole',
    )
    .argument('<file>', 'the CSV file')
    .option('--store <location>', store.help, store.default)
    .option('--project <name>', 'the spendlens project', DEFAULT_PROJECT)
    .option('--replace', 'make the file the whole of the project’s revenue (others are removed)')
    .option('--server <url>', 'a running server (its admin key in SPENDLENS_API_KEY) instead of --store')
    .action(async (file: string, options: RevenueOptions & { replace?: boolean }) => {
      const project = checkProjectName(options.project)
      const entries = parseRevenueCsv(await readFile(file, 'utf8'))
      const replace = options.replace ?? false
      let where: string
      if (options.server) {
        // The API replaces the whole: merged here first unless the file is to replace it.
        const current = replace ? [] : (await viaServer(options.server, project, 'GET')).revenue
        const given = new Set(entries.map(entryKey))
        const kept = current
          .filter((entry) => !given.has(entryKey(entry)))
          .map(({ updated_at: _updated, ...entry }) => entry)
        await viaServer(options.server, project, 'PUT', { revenue: [...kept, ...entries] })
        where = options.server
      } else {
        const opened = await openStore(options.store)
        try {
          await writeRevenue(opened, project, entries, { replace })
          where = opened.location
        } finally {
          await opened.close()
        }
      }
      const customers = new Set(entries.map((entry) => entry.customer_id)).size
      console.log(
        `Stored ${entries.length.toLocaleString('en-US')} revenue entries for ${customers.toLocaleString('en-US')} customers in project ${project} of ${where}${replace ? ', replacing every other entry' : ''}.`,
      )
    })

  revenue
    .command('list')
    .description('the revenue on file, by customer and month')
    .option('--store <location>', store.help, store.default)
    .option('--project <name>', 'the spendlens project', DEFAULT_PROJECT)
    .option('--server <url>', 'a running server (its admin key in SPENDLENS_API_KEY) instead of --store')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json']).default('table'))
    .action(async (options: RevenueOptions & { format: 'table' | 'json' }) => {
      const project = checkProjectName(options.project)
      let answer: RevenueAnswer
      if (options.server) answer = await viaServer(options.server, project, 'GET')
      else {
        const opened = await openStore(options.store)
        try {
          answer = revenueAnswer(await readRevenue(opened, project))
        } finally {
          await opened.close()
        }
      }
      if (options.format === 'json') {
        console.log(JSON.stringify(answer, null, 2))
        return
      }
      const table = new Table({
        head: ['customer', 'month', 'plan', 'a month'],
        style: { head: [], border: [], compact: true },
      })
      for (const entry of answer.revenue)
        table.push([
          entry.customer_id,
          entry.month ?? 'every',
          entry.plan ?? '',
          `$${entry.monthly_revenue_usd.toFixed(2)}`,
        ])
      console.log(table.toString())
    })
}
