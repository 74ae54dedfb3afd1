import Table from 'cli-table3'
import { type Command, Option } from 'commander'
import { utcDay } from '../cli-arguments.js'
import { createProgressLine } from '../data-transfer/progress-line.js'
import { type AnomalyRecord, toAnomaly } from '../schema/anomalies-table.js'
import { checkProjectName, DEFAULT_PROJECT } from '../schema/projects.js'
import { openStore } from '../store/open-store.js'
import { detectAnomalies } from './detect-anomalies.js'
import { HOUR_MS } from './hourly-series.js'

const money = (nanos: number) => `$${(nanos / 1e9).toFixed(2)}`
const hour = (ms: number) => new Date(ms).toISOString().slice(0, 13).replace('T', ' ')

/**
 * `spendlens anomalies --since DAY`: the detectors replayed over history, hour by hour, as they
 * would have run (a backtest). Nothing is stored and nothing alerted: it shows what would have been.
 */
export function registerAnomalyCommands(program: Command, store: { default: string; help: string }): void {
  program
    .command('anomalies')
    .description('replay the anomaly detectors over history (a backtest): what they would have found')
    .requiredOption('--since <day>', 'first UTC day replayed (YYYY-MM-DD)', utcDay)
    .option('--until <day>', 'last UTC day replayed, included (default: up to now)', utcDay)
    .option('--store <location>', store.help, store.default)
    .option('--project <name>', 'the spendlens project', DEFAULT_PROJECT)
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json']).default('table'))
    .action(
      async (options: {
        since: number
        until?: number
        store: string
        project: string
        format: 'table' | 'json'
      }) => {
        const opened = await openStore(options.store)
        const progress = createProgressLine('hours')
        let found: AnomalyRecord[]
        try {
          found = await detectAnomalies({
            store: opened,
            project: checkProjectName(options.project),
            from: options.since,
            to:
              options.until === undefined
                ? Math.ceil(Date.now() / HOUR_MS) * HOUR_MS
                : options.until + 24 * HOUR_MS,
            existing: [],
            onProgress: (done, total) => progress.update(done, total),
          })
        } finally {
          progress.stop()
          await opened.close()
        }
        const anomalies = found.sort((a, b) => b.moneyAtStakeNanos - a.moneyAtStakeNanos)
        if (options.format === 'json') {
          console.log(JSON.stringify(anomalies.map(toAnomaly), null, 2))
          return
        }
        const table = new Table({
          head: ['kind', 'scope', 'start (UTC)', 'hours', 'money at stake', 'state'],
          style: { head: [], border: [], compact: true },
        })
        for (const anomaly of anomalies)
          table.push([
            anomaly.kind,
            `${anomaly.scopeDimension}=${anomaly.scopeValue}`,
            hour(anomaly.start),
            String(Math.round((anomaly.end - anomaly.start) / HOUR_MS)),
            money(anomaly.moneyAtStakeNanos),
            anomaly.state,
          ])
        console.log(table.toString())
        console.log(`${anomalies.length} anomalies.`)
      },
    )
}
