#!/usr/bin/env node
import { Command } from 'commander'
import { loadDemo } from './demo/demo-data.js'
import { startServer } from './start-server.js'
import { openDuckDBStore } from './store/duckdb-store.js'
import { SERVER_VERSION } from './version.js'

const DEFAULT_STORE = '.spendlens/spendlens.duckdb'

const program = new Command()
  .name('spendlens')
  .description('Where did the LLM money go? Ingest cost events, query them, serve the dashboard.')
  .version(SERVER_VERSION)

program
  .command('serve')
  .description('run the server: ingest at /v1/events, API at /api, dashboard at /')
  .option('--store <path>', 'DuckDB file', DEFAULT_STORE)
  .option('--port <number>', 'port', (value) => Number.parseInt(value, 10), 4600)
  .option('--host <address>', 'address to listen on (the API has no auth yet: keep it local)', '127.0.0.1')
  .option('--no-demo', 'do not load demo data into an empty store')
  .option('--log', 'log every request')
  .action(async (options: { store: string; port: number; host: string; demo: boolean; log?: boolean }) => {
    const server = await startServer({
      storePath: options.store,
      port: options.port,
      host: options.host,
      demo: options.demo,
      logger: options.log ?? false,
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

program
  .command('demo')
  .description('fill the store with 30 days of demo data from a fictional multi-tenant product')
  .option('--store <path>', 'DuckDB file', DEFAULT_STORE)
  .option('--days <number>', 'days of history', (value) => Number.parseInt(value, 10), 30)
  .action(async (options: { store: string; days: number }) => {
    const store = await openDuckDBStore(options.store)
    try {
      const { events } = await loadDemo(store, { days: options.days })
      console.log(`Loaded ${events.toLocaleString('en-US')} demo events into ${options.store}.`)
    } finally {
      await store.close()
    }
  })

program.parseAsync().catch((error: unknown) => {
  console.error(`spendlens: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
