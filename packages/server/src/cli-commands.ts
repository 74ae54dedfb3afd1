import type { Command } from 'commander'
import { registerAnomalyCommands } from './anomalies/anomaly-commands.js'
import { registerAuthCommands } from './auth/auth-commands.js'
import { DEFAULT_STORE, positiveInteger, STORE_HELP } from './cli-arguments.js'
import { runExport, runImport } from './data-transfer/transfer-command.js'
import { registerDemoCommands } from './demo/demo-commands.js'
import { registerRevenueCommands } from './economics/revenue-commands.js'
import { registerInvoiceCommands } from './invoice/invoice-commands.js'
import { addServerOptions, type ServerOptions } from './remote/store-or-server.js'
import { registerReportCommand } from './report/report-command.js'
import { registerCheckPricesCommand, registerRepriceCommands } from './reprice/reprice-commands.js'
import { checkProjectName } from './schema/projects.js'
import { clickhouseDdl } from './store/open-store.js'

/**
 * Every command but `serve`: cli.ts loads this module only when another command is asked for (or
 * help), so that a restart of the server does not load their code (docs/development.md#start-time).
 */
export function registerCommands(program: Command): void {
  registerDemoCommands(program, { default: DEFAULT_STORE, help: STORE_HELP })

  addServerOptions(
    program
      .command('export')
      .description('copy every event to a JSON Lines or Parquet file, or into another store')
      .option('--store <location>', `store to export from: ${STORE_HELP}`, DEFAULT_STORE)
      .requiredOption('--to <target>', 'file.jsonl, file.ndjson, file.parquet, or a store location')
      .option('--batch-size <number>', 'events per batch', positiveInteger, 5000)
      .option(
        '--project <name>',
        'only this project’s events (default: every project; a file does not say which)',
      ),
  ).action(
    async (options: ServerOptions & { store: string; to: string; batchSize: number; project?: string }) => {
      await runExport({
        remote: options,
        store: options.store,
        other: options.to,
        batchSize: options.batchSize,
        project: options.project === undefined ? undefined : checkProjectName(options.project),
        print: (line) => console.log(line),
      })
    },
  )

  addServerOptions(
    program
      .command('import')
      .description(
        'add events from a JSON Lines or Parquet file, or from another store, validated as at ingest (ts at most 30 days old unless --backfill)',
      )
      .option('--store <location>', `store to import into: ${STORE_HELP}`, DEFAULT_STORE)
      .requiredOption('--from <source>', 'file.jsonl, file.ndjson, file.parquet, or a store location')
      .option('--batch-size <number>', 'events per batch', positiveInteger, 5000)
      .option('--backfill', 'history: take events of any age (a ts more than a day ahead is still refused)')
      .option(
        '--project <name>',
        'put every event into this project (default: a store’s keep theirs, a file’s go to default)',
      ),
  ).action(
    async (
      options: ServerOptions & {
        store: string
        from: string
        batchSize: number
        backfill?: boolean
        project?: string
      },
    ) => {
      await runImport({
        remote: options,
        store: options.store,
        other: options.from,
        batchSize: options.batchSize,
        project: options.project === undefined ? undefined : checkProjectName(options.project),
        backfill: options.backfill ?? false,
        print: (line) => console.log(line),
      })
    },
  )

  registerAuthCommands(program, { default: DEFAULT_STORE, help: STORE_HELP })
  registerInvoiceCommands(program, { default: DEFAULT_STORE, help: STORE_HELP })
  registerAnomalyCommands(program, { default: DEFAULT_STORE, help: STORE_HELP })
  registerRevenueCommands(program, { default: DEFAULT_STORE, help: STORE_HELP })
  registerReportCommand(program, { default: DEFAULT_STORE, help: STORE_HELP })
  registerRepriceCommands(program, { default: DEFAULT_STORE, help: STORE_HELP })
  registerCheckPricesCommand(program, { default: DEFAULT_STORE })

  program
    .command('clickhouse-ddl')
    .description('print the ClickHouse schema (the statements the store runs at start) for a DBA to apply')
    .option(
      '--cluster <name>',
      'a cluster from remote_servers: replicated tables and a Distributed events table',
    )
    .option('--database <name>', 'database to create the tables in', 'default')
    .action((options: { cluster?: string; database: string }) => {
      process.stdout.write(
        clickhouseDdl({
          database: options.database,
          ...(options.cluster ? { cluster: options.cluster } : {}),
        }),
      )
    })
}
