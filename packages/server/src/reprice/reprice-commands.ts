import { existsSync } from 'node:fs'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { utcDay } from '../cli-arguments.js'
import { createProgressLine } from '../data-transfer/progress-line.js'
import { checkProjectName } from '../schema/projects.js'
import { openStore } from '../store/open-store.js'
import type { Store } from '../store/store.js'
import { modelPrices } from './model-prices.js'
import { nearMatches } from './near-matches.js'
import { loadPriceBook } from './price-file.js'
import { formatModelPrices } from './price-table.js'
import { type RepriceScope, repriceEvents } from './reprice-events.js'
import { formatRepriceReport, repriceReportJson } from './reprice-report.js'

const DAY_MS = 86_400_000

function positiveInteger(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1)
    throw new InvalidArgumentError('expected a whole number ≥ 1')
  return number
}

const collect = (value: string, previous: string[]) => [...previous, value]

/** A store to reprice must exist: opening a missing DuckDB file or chDB folder would create an empty one. */
async function openExisting(location: string): Promise<Store> {
  const path = location.startsWith('chdb://') ? location.slice('chdb://'.length) : location
  if (!path.includes('://') && path !== ':memory:' && !existsSync(path))
    throw new Error(`no store at ${location}`)
  return openStore(location)
}

/**
 * The stored model ids `patterns` name: each an exact id or, ending in `*`, a prefix. A pattern
 * that names no stored model is an error that says which models are near.
 */
async function storedModels(store: Store, patterns: string[], scope: RepriceScope): Promise<string[]> {
  const rows = await store.query({
    from: scope.from,
    to: scope.to,
    timeZone: 'UTC',
    filters: [],
    groupBy: ['model'],
    metrics: ['requests'],
    ...(scope.project === undefined ? {} : { project: scope.project }),
  })
  const stored = rows.map((row) => String(row.model))
  const chosen = new Set<string>()
  for (const pattern of patterns) {
    const matched = pattern.endsWith('*')
      ? stored.filter((model) => model.startsWith(pattern.slice(0, -1)))
      : stored.filter((model) => model === pattern)
    if (matched.length === 0) {
      const near = nearMatches(pattern.replace(/\*$/, ''), stored)
      throw new Error(
        `no stored events of model ${pattern}${scope.from || scope.to ? ' in that range' : ''}${near.length > 0 ? `; stored models near it: ${near.join(', ')}` : ''} (a trailing * matches every model that starts with what precedes it)`,
      )
    }
    for (const model of matched) chosen.add(model)
  }
  return [...chosen]
}

interface RepriceCommandOptions {
  since?: number
  until?: number
  model: string[]
  project?: string
  prices?: string
  store: string
  dryRun?: boolean
  batchSize: number
  format: 'table' | 'json'
}

/**
 * `spendlens reprice` (recompute stored costs after a price correction or a change of custom
 * prices) and `spendlens prices MODEL` (which price applies when, and from where): docs/reprice.md.
 */
export function registerRepriceCommands(program: Command, store: { default: string; help: string }): void {
  program
    .command('reprice')
    .description(
      'recompute stored costs from their token counts with the catalog (and a price file), rollups included; each event keeps the cost first recorded',
    )
    .option('--since <day>', 'first UTC day repriced (YYYY-MM-DD)', utcDay)
    .option('--until <day>', 'last UTC day repriced, included (YYYY-MM-DD)', utcDay)
    .option(
      '--model <model>',
      'only this model as stored (repeatable; a trailing * matches a prefix)',
      collect,
      [],
    )
    .option('--project <name>', 'only this project (default: every project)')
    .option(
      '--prices <file>',
      'a price file: custom prices (with periods) and discounts, as JSON (docs/reprice.md)',
    )
    .option('--store <location>', store.help, store.default)
    .option('--dry-run', 'report what would change and write nothing')
    .option('--batch-size <number>', 'events read, priced and written at once', positiveInteger, 1000)
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json']).default('table'))
    .action(async (options: RepriceCommandOptions) => {
      const book = await loadPriceBook(options.prices)
      const scope: RepriceScope = {
        ...(options.since === undefined ? {} : { from: new Date(options.since) }),
        ...(options.until === undefined ? {} : { to: new Date(options.until + DAY_MS) }),
        ...(options.project === undefined ? {} : { project: checkProjectName(options.project) }),
      }
      const opened = await openExisting(options.store)
      const progress = createProgressLine('events')
      try {
        if (options.model.length > 0) scope.models = await storedModels(opened, options.model, scope)
        const report = await repriceEvents(opened, {
          ...scope,
          book,
          dryRun: options.dryRun ?? false,
          batchSize: options.batchSize,
          onProgress: (done, total) => progress.update(done, total),
        })
        progress.stop()
        if (options.format === 'json') console.log(JSON.stringify(repriceReportJson(report), null, 2))
        else for (const line of formatRepriceReport(report, opened.location)) console.log(line)
      } finally {
        progress.stop()
        await opened.close()
      }
    })

  program
    .command('prices')
    .description('which price applies to a model when, and from where (catalog, supplement, price file)')
    .argument('<model>', 'the model id, as a response reports it (e.g. gpt-4o-mini-2024-07-18)')
    .option(
      '--provider <id>',
      'the provider (openai, anthropic, google, …); default: every provider that has it',
    )
    .option('--at <day>', 'mark the price that applies on this UTC day (YYYY-MM-DD)', utcDay)
    .option('--prices <file>', 'a price file, as reprice takes it')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json']).default('table'))
    .action(
      async (
        model: string,
        options: { provider?: string; at?: number; prices?: string; format: 'table' | 'json' },
      ) => {
        const book = await loadPriceBook(options.prices)
        const answer = await modelPrices(book, model, {
          ...(options.provider === undefined ? {} : { provider: options.provider }),
          ...(options.at === undefined ? {} : { at: new Date(options.at) }),
        })
        if (options.format === 'json') console.log(JSON.stringify(answer, null, 2))
        else if (answer.found.length > 0)
          console.log(answer.found.map((found) => formatModelPrices(found).join('\n')).join('\n\n'))
        if (answer.found.length > 0) return
        if (options.format === 'table') {
          const where = options.provider === undefined ? '' : ` for provider ${options.provider}`
          console.error(
            `spendlens: no price for ${model}${where} in the catalog${options.prices ? ', the supplement or the price file' : ' or the supplement'}; events of it are stored unpriced.`,
          )
          if ('nearMatches' in answer && answer.nearMatches.length > 0)
            console.error(`Near matches: ${answer.nearMatches.join(', ')}`)
          console.error(
            'A model the catalog lacks can be priced with a price file (--prices; docs/reprice.md).',
          )
        }
        process.exitCode = 1
      },
    )
}
