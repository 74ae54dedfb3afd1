import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { parseSupplement } from 'spendlens/internal'
import { utcDay } from '../cli-arguments.js'
import { createProgressLine } from '../data-transfer/progress-line.js'
import { addServerOptions, openStoreOrServer, type ServerOptions } from '../remote/store-or-server.js'
import { checkProjectName } from '../schema/projects.js'
import { openStore } from '../store/open-store.js'
import { checkPrices, hasFindings, type PriceSnapshot, takePriceSnapshot } from './check-prices.js'
import { formatPriceCheck } from './check-prices-report.js'
import { modelPrices } from './model-prices.js'
import { loadPriceBook } from './price-file.js'
import { formatModelPrices } from './price-table.js'
import type { RepriceReport } from './reprice-events.js'
import { repriceMatching } from './reprice-matching.js'
import { formatRepriceReport, repriceReportJson } from './reprice-report.js'

const DAY_MS = 86_400_000

function positiveInteger(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1)
    throw new InvalidArgumentError('expected a whole number ≥ 1')
  return number
}

const collect = (value: string, previous: string[]) => [...previous, value]

interface RepriceCommandOptions extends ServerOptions {
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
  addServerOptions(
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
      .addOption(new Option('--format <format>', 'output').choices(['table', 'json']).default('table')),
  ).action(async (options: RepriceCommandOptions) => {
    const book = await loadPriceBook(options.prices)
    const project = options.project === undefined ? undefined : checkProjectName(options.project)
    const scope = {
      ...(options.since === undefined ? {} : { from: new Date(options.since) }),
      ...(options.until === undefined ? {} : { to: new Date(options.until + DAY_MS) }),
      ...(project === undefined ? {} : { project }),
    }
    const opened = await openStoreOrServer(options.store, { ...options, mustExist: true })
    const print = (report: RepriceReport, location: string) => {
      if (options.format === 'json') console.log(JSON.stringify(repriceReportJson(report), null, 2))
      else for (const line of formatRepriceReport(report, location)) console.log(line)
    }
    if (opened.kind === 'server') {
      // The server reprices with the same code; the price file travels as its text.
      const report = await opened.client.json<RepriceReport>('POST', 'api/admin/reprice', {
        project,
        body: {
          since: scope.from?.getTime(),
          until: scope.to?.getTime(),
          models: options.model,
          every_project: project === undefined,
          dry_run: options.dryRun ?? false,
          ...(options.prices === undefined
            ? {}
            : { prices: { name: options.prices, text: await readFile(options.prices, 'utf8') } }),
        },
      })
      print(report, `the server at ${opened.client.url}`)
      return
    }
    const progress = createProgressLine('events')
    try {
      const report = await repriceMatching(opened.store, {
        scope,
        patterns: options.model,
        book,
        dryRun: options.dryRun ?? false,
        batchSize: options.batchSize,
        onProgress: (done, total) => progress.update(done, total),
      })
      progress.stop()
      print(report, opened.store.location)
    } finally {
      progress.stop()
      await opened.store.close()
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

/** Where `spendlens check-prices` finds the prices at the last release, from the repo's root. */
export const RELEASE_PRICES = 'packages/sdk/release-prices.json'

/**
 * `spendlens check-prices` (`npm run check:prices`): models with no price, prices changed since
 * the last release, supplement entries the catalog covers (docs/pricing.md).
 */
export function registerCheckPricesCommand(program: Command, store: { default: string }): void {
  program
    .command('check-prices')
    .description(
      'list models seen (in a store, in test fixtures) with no price, prices changed since the last release, and supplement entries the catalog now covers',
    )
    .option('--store <location>', `a store to read the models of (default ${store.default} if it exists)`)
    .option('--no-store', 'read no store')
    .option('--fixtures <folder>', 'a folder of JSON fixtures to read models from (repeatable)', collect, [])
    .option('--snapshot <file>', 'the prices at the last release', RELEASE_PRICES)
    .option('--supplement <file>', "check this supplement file instead of the SDK's (a proposed edit)")
    .option('--write-snapshot', "write the catalog's prices today to --snapshot (at a release)")
    .option('--strict', 'exit 1 when anything is listed (for CI)')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json']).default('table'))
    .action(
      async (options: {
        store?: string | false
        fixtures: string[]
        snapshot: string
        supplement?: string
        writeSnapshot?: boolean
        strict?: boolean
        format: 'table' | 'json'
      }) => {
        if (options.writeSnapshot) {
          const snapshot = await takePriceSnapshot()
          await writeFile(options.snapshot, `${JSON.stringify(snapshot, null, 2)}\n`)
          console.log(
            `Wrote the prices of ${Object.keys(snapshot.prices).length} models (catalog ${snapshot.catalog_version}) to ${options.snapshot}.`,
          )
          return
        }
        const snapshot = JSON.parse(await readFile(options.snapshot, 'utf8')) as PriceSnapshot
        const location =
          options.store === false
            ? undefined
            : (options.store ?? (existsSync(store.default) ? store.default : undefined))
        // A DuckDB path that does not exist would be created empty: a typo must not pass as "none".
        if (location !== undefined && !location.includes('://') && !existsSync(location))
          throw new Error(`no store at ${location}`)
        const opened = location === undefined ? undefined : await openStore(location)
        try {
          const fixtures =
            options.fixtures.length > 0
              ? options.fixtures
              : DEFAULT_FIXTURES.filter((folder) => existsSync(folder))
          const check = await checkPrices({
            ...(opened ? { store: opened } : {}),
            ...(options.supplement
              ? { supplement: parseSupplement(JSON.parse(await readFile(options.supplement, 'utf8'))) }
              : {}),
            fixtures,
            snapshot,
          })
          if (options.format === 'json') console.log(JSON.stringify(check, null, 2))
          else console.log(formatPriceCheck(check).join('\n'))
          if (options.strict && hasFindings(check)) process.exitCode = 1
        } finally {
          await opened?.close()
        }
      },
    )
}

/** The repo's fixture folders, read when no --fixtures is given. */
const DEFAULT_FIXTURES = ['packages/server/test/fixtures', 'packages/sdk/test/fixtures']
