import { type Command, InvalidArgumentError } from 'commander'
import { addServerOptions, openStoreOrServer, type ServerOptions } from '../remote/store-or-server.js'
import { loadDemo } from './demo-data.js'
import { DEMO_PROJECT, dropDemo } from './demo-project.js'

function days(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1 || number > 365)
    throw new InvalidArgumentError('expected a whole number of days from 1 to 365')
  return number
}

const count = (value: number) => value.toLocaleString('en-US')

/**
 * `spendlens demo` (load the demo into its own project) and `spendlens demo drop` (remove it), on
 * the store or through the server that holds it (docs/dashboard.md "Demo data").
 */
export function registerDemoCommands(program: Command, store: { default: string; help: string }): void {
  const demo = addServerOptions(
    program
      .command('demo')
      .description(
        `fill the project "${DEMO_PROJECT}" with 30 days of demo data from a fictional multi-tenant product, and the anomalies found in it (\`demo drop\` removes it)`,
      )
      .option('--store <location>', store.help, store.default)
      .option('--days <number>', 'days of history', days, 30),
  ).action(async (options: ServerOptions & { store: string; days: number }) => {
    const opened = await openStoreOrServer(options.store, options)
    const loaded =
      opened.kind === 'server'
        ? await opened.client.json<{ events: number; invoiceLines: number; anomalies: number }>(
            'POST',
            'api/admin/demo',
            { body: { days: options.days } },
          )
        : await loadDemo(opened.store, { days: options.days, project: DEMO_PROJECT }).finally(() =>
            opened.store.close(),
          )
    const where = opened.kind === 'server' ? `the server at ${opened.client.url}` : options.store
    console.log(
      `Loaded ${count(loaded.events)} demo events, ${count(loaded.invoiceLines)} lines of their simulated provider invoice and the ${loaded.anomalies} anomalies found in them into the project "${DEMO_PROJECT}" of ${where}.`,
    )
  })

  addServerOptions(
    demo
      .command('drop')
      .description(
        `remove the demo data: the project "${DEMO_PROJECT}" whole (events, invoice, anomalies, budgets…)`,
      )
      .option('--store <location>', store.help, store.default),
  ).action(async (options: ServerOptions & { store: string }) => {
    const opened = await openStoreOrServer(options.store, { ...options, mustExist: true })
    const dropped =
      opened.kind === 'server'
        ? await opened.client.json<{ events: number; dropped: boolean }>('DELETE', 'api/admin/demo')
        : await dropDemo(opened.store).finally(() => opened.store.close())
    console.log(
      dropped.dropped
        ? `Dropped the demo: ${count(dropped.events)} events and everything else of the project "${DEMO_PROJECT}". A server does not load it again; \`spendlens demo\` does.`
        : 'No demo data to drop.',
    )
  })
}
