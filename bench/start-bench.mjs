// How long a restart takes to serve, and what the demo load leaves in memory.
//
//   npm run bench:start                         (builds packages/sdk and packages/server, then runs this)
//   npm run bench:start -- --runs 5 --stores 1000000,10000000
//
// 1. Demo: `spendlens serve` on an empty temp store (the demo loads before it listens): the time to
//    its first answer (GET /api/meta), its RSS then and two seconds later; then the same store
//    restarted (no load): the RSS the demo load left behind is the difference.
// 2. Restart on a big store: `spendlens serve` on each store of bench-data (store-data.mjs; made when
//    missing) as shipped (jobs on): until it listens, until its first answer, and its CPU time by
//    then. The machine is shared: wall times follow its load, CPU seconds much less.
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  argument,
  cpuTimes,
  integer,
  ms,
  percentile,
  residentBytes,
  startSpendlensServer,
  table,
} from './bench-support.mjs'
import { benchStore } from './store-data.mjs'

const RUNS = argument('runs', 3)
const STORES = process.argv.includes('--stores')
  ? process.argv[process.argv.indexOf('--stores') + 1].split(',').filter(Boolean).map(Number)
  : [1_000_000]
const MB = 1e6
const summary = (samples, format = ms) =>
  `${format(percentile(samples, 50))} (${format(Math.min(...samples))}–${format(Math.max(...samples))})`

/** Starts the server on `location`, answers the times until it listens and answers, its CPU and RSS. */
async function start(location, options) {
  const started = performance.now()
  const server = await startSpendlensServer(location, [], options)
  const listening = performance.now() - started
  const response = await fetch(`${server.url}/api/meta`)
  const meta = await response.json()
  const answered = performance.now() - started
  const cpu = cpuTimes(server.pid)?.process ?? Number.NaN
  const rss = residentBytes(server.pid) ?? Number.NaN
  await new Promise((resolve) => setTimeout(resolve, 2000))
  const settled = residentBytes(server.pid) ?? Number.NaN
  await server.stop()
  return { listening, answered, cpu, rss, settled, events: meta.events }
}

console.log(
  `spendlens start bench: node ${process.version}, ${availableParallelism()} CPUs, ${RUNS} runs, load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}`,
)
const demo = []
const restarted = []
for (let run = 0; run < RUNS; run++) {
  const folder = mkdtempSync(join(tmpdir(), 'spendlens-start-bench-'))
  try {
    const location = join(folder, 'demo.duckdb')
    demo.push(await start(location, { demo: true }))
    restarted.push(await start(location, {}))
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
console.log('\ndemo load (into its own project) and a restart of the same store; median (min–max)')
console.log(
  table(
    ['start', 'first answer ms', 'server CPU s', 'RSS at first answer MB', 'RSS 2 s later MB'],
    [
      ['empty store, demo loaded', demo, restarted],
      ['the same store restarted', restarted],
    ].map(([label, samples]) => [
      label,
      summary(samples.map((sample) => sample.answered)),
      summary(
        samples.map((sample) => sample.cpu),
        (value) => value.toFixed(2),
      ),
      summary(
        samples.map((sample) => sample.rss / MB),
        integer,
      ),
      summary(
        samples.map((sample) => sample.settled / MB),
        integer,
      ),
    ]),
  ),
)
const left = demo.map((sample, index) => (sample.settled - restarted[index].settled) / MB)
console.log(
  `left in memory by the demo load (RSS 2 s after, loaded − restarted): ${summary(left, integer)} MB`,
)

const rows = []
for (const events of STORES) {
  const path = await benchStore(events)
  const samples = []
  for (let run = 0; run < RUNS; run++) samples.push(await start(path, {}))
  rows.push([
    integer(events),
    summary(samples.map((sample) => sample.listening)),
    summary(samples.map((sample) => sample.answered)),
    summary(
      samples.map((sample) => sample.cpu),
      (value) => value.toFixed(2),
    ),
    summary(
      samples.map((sample) => sample.settled / MB),
      integer,
    ),
  ])
}
console.log('\nrestart on an existing store (spendlens serve as shipped, jobs on); median (min–max)')
console.log(table(['events', 'listening ms', 'first answer ms', 'server CPU s', 'RSS 2 s later MB'], rows))
console.log(
  `load average after: ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}`,
)
