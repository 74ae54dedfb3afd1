#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander'
import { readAlertsConfig } from './alerts/alerts-config.js'
import { readBudgetsFile } from './budgets/budget-definition.js'
import {
  DEFAULT_PORT,
  DEFAULT_STORE,
  portFromEnvironment,
  portNumber,
  positiveInteger,
  STORE_HELP,
} from './cli-arguments.js'
import { configuredReports } from './invoice/provider-reports.js'
import { DEFAULT_METRICS_TOP } from './metrics/metrics-figures.js'
import { checkMetricsTop } from './metrics/metrics-service.js'
import { DEFAULT_QUERY_TIMEOUT_MS } from './query/time-limit.js'
import { checkProjectName } from './schema/projects.js'
import { startServer } from './start-server.js'
import { SERVER_VERSION } from './version.js'

/**
 * The background jobs' first run, after start: the first answers (a dashboard opening on a
 * restart) do not queue behind their queries (docs/development.md#start-time).
 */
const JOBS_FIRST_RUN_DELAY_MS = 10_000

function wholeNumber(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 0)
    throw new InvalidArgumentError('expected a whole number ≥ 0')
  return number
}

function positiveSeconds(value: string): number {
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError('expected a number of seconds > 0')
  return seconds
}

function metricsTop(value: string): number {
  try {
    return checkMetricsTop(Number(value))
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
}

interface ServeOptions {
  store: string
  port?: number
  host: string
  demo: boolean
  log?: boolean
  retentionDays?: number
  maxEventAgeDays?: number
  allowedHosts?: string[]
  queryTimeout: number
  metricsTop: number
  open?: boolean
  rateLimitIngest: number
  rateLimitQuery: number
  syncProject: string
  syncInterval: number
  anomalyInterval: number
  alerts?: string
  budgets?: string
  budgetInterval: number
  openaiAdminUrl?: string
  anthropicAdminUrl?: string
}

const program = new Command()
  .name('spendlens')
  .description('Where did the LLM money go? Ingest cost events, query them, serve the dashboard.')
  .version(SERVER_VERSION)
  // A command's options are its own wherever they stand: `demo drop --store x` is drop's --store,
  // not that of `demo`, which loads the demo.
  .enablePositionalOptions()

program
  .command('serve')
  .description('run the server: ingest at /v1/events, API at /api, dashboard at /')
  .option('--store <location>', STORE_HELP, DEFAULT_STORE)
  .option(
    '--port <number>',
    `port to listen on (default: $SPENDLENS_PORT, else $PORT, else ${DEFAULT_PORT})`,
    portNumber,
  )
  .option(
    '--host <address>',
    'address to listen on; beyond 127.0.0.1 the store needs a key (`spendlens keys create`) or --open',
    '127.0.0.1',
  )
  .option(
    '--open',
    'listen beyond this machine without keys: anyone who reaches it reads and writes every event',
  )
  .option('--rate-limit-ingest <n>', 'ingest requests a minute per key (0: no limit)', wholeNumber, 6000)
  .option('--rate-limit-query <n>', 'API requests a minute per key or user (0: no limit)', wholeNumber, 1200)
  .option('--no-demo', 'do not load demo data into an empty store')
  .option(
    '--sync-project <name>',
    'with OPENAI_ADMIN_KEY or ANTHROPIC_ADMIN_KEY set: the project their invoices are synced into',
    'default',
  )
  .option(
    '--sync-interval <minutes>',
    'minutes between invoice syncs (0: no background sync)',
    wholeNumber,
    60,
  )
  .option(
    '--alerts <file>',
    'a JSON file of alert channels and rules, for every project without its own (set through the API; docs/alerts.md)',
  )
  .option('--anomaly-interval <minutes>', 'minutes between anomaly detection runs (0: none)', wholeNumber, 5)
  .option(
    '--budgets <file>',
    'a JSON file of budgets (docs/budgets.md); budgets defined through the API win over its own',
  )
  .option(
    '--budget-interval <seconds>',
    'seconds between budget alert checks, through the alert channels of each project (0: none)',
    wholeNumber,
    60,
  )
  .option('--openai-admin-url <url>', 'the OpenAI admin API, for a proxy (default https://api.openai.com)')
  .option(
    '--anthropic-admin-url <url>',
    'the Anthropic admin API, for a proxy (default https://api.anthropic.com)',
  )
  .option('--log', 'log every request (warnings and server errors are logged either way)')
  .option(
    '--retention-days <days>',
    'delete events older than this many days, at start and then hourly',
    positiveInteger,
  )
  .addOption(
    new Option(
      '--max-event-age-days <days>',
      'refuse ingested events whose ts is more than this many days old (default 30; history goes in with import --backfill)',
    )
      .argParser(positiveInteger)
      .env('SPENDLENS_MAX_EVENT_AGE_DAYS'),
  )
  .option(
    '--allowed-hosts <names>',
    'host names the server answers besides IP addresses and localhost, comma-separated (* for any); also $SPENDLENS_ALLOWED_HOSTS',
    (value) => value.split(','),
  )
  .option(
    '--query-timeout <seconds>',
    'cancel a query that runs longer than this, answering 503 query_timeout',
    positiveSeconds,
    DEFAULT_QUERY_TIMEOUT_MS / 1000,
  )
  .option(
    '--metrics-top <count>',
    'GET /metrics: values kept per label (provider, model, feature, environment); the rest are summed as __other__',
    metricsTop,
    DEFAULT_METRICS_TOP,
  )
  .action(async (options: ServeOptions) => {
    const server = await startServer({
      store: options.store,
      port: options.port ?? portFromEnvironment(),
      host: options.host,
      demo: options.demo,
      logger: options.log ?? false,
      retentionDays: options.retentionDays,
      maxEventAgeDays: options.maxEventAgeDays,
      allowedHosts: options.allowedHosts ?? process.env.SPENDLENS_ALLOWED_HOSTS?.split(','),
      queryTimeoutMs: options.queryTimeout * 1000,
      metricsTop: options.metricsTop,
      open: options.open ?? false,
      rateLimits: { ingestPerMinute: options.rateLimitIngest, queryPerMinute: options.rateLimitQuery },
      invoiceSync:
        options.syncInterval > 0
          ? {
              project: checkProjectName(options.syncProject),
              intervalMs: options.syncInterval * 60_000,
              sources: configuredReports(process.env, {
                openai: options.openaiAdminUrl,
                anthropic: options.anthropicAdminUrl,
              }),
            }
          : undefined,
      alerts: options.alerts === undefined ? undefined : await readAlertsConfig(options.alerts),
      anomalies:
        options.anomalyInterval > 0
          ? { intervalMs: options.anomalyInterval * 60_000, firstRunDelayMs: JOBS_FIRST_RUN_DELAY_MS }
          : undefined,
      budgets: options.budgets === undefined ? undefined : await readBudgetsFile(options.budgets),
      budgetAlerts:
        options.budgetInterval > 0
          ? { intervalMs: options.budgetInterval * 1000, firstRunDelayMs: JOBS_FIRST_RUN_DELAY_MS }
          : undefined,
      // The weekly digest of each project whose alerts configuration has a `digest` (docs/alerts.md).
      digest: { firstRunDelayMs: JOBS_FIRST_RUN_DELAY_MS },
      onNotice: (message) => console.log(message),
    })
    console.log(`spendlens ${SERVER_VERSION} on ${server.store.location}`)
    console.log(`Dashboard:  ${server.url}`)
    console.log(`Ingest:     POST ${server.url}v1/events`)
    const stop = async () => {
      await server.close()
      process.exit(0)
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })

// `serve` is the hot path: a restart loads only what serving needs, the other commands' code when
// one of them (or help) is asked for.
if (process.argv[2] !== 'serve') (await import('./cli-commands.js')).registerCommands(program)

program.parseAsync().catch((error: unknown) => {
  console.error(`spendlens: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
