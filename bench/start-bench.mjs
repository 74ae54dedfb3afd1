// How long a restart takes to serve, and what the demo load leaves in memory.
//
//   npm run bench:start                         (builds packages/sdk and packages/server, then runs this)
//   npm run bench:start -- --runs 5 --stores 1000000,10000000 --before packages/server/.bench-before/dist
//
// 1. Demo: `spendlens serve` on an empty temp store (the demo loads before it listens; the timed
//    jobs off, so that what a job's run holds does not count as the load's): the time to its first
//    answer (GET /api/meta), its RSS then and SETTLE_MS later; then the same store restarted (no
//    load): the RSS the demo load left behind is the difference, once both settled.
// 2. Restart on each big store of bench-data (store-data.mjs; made when
//    missing) as shipped (jobs on): until it listens, until its first answer, and its CPU time by
//    then. The machine is shared: wall times follow its load, CPU seconds much less.
// --before <dist>: another build of packages/server (a copy of its dist inside packages/server, so
// that its imports resolve, e.g. packages/server/.bench-before/dist) measured in the same run, the
// builds taking turns run by run.
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  argument,
  CLI,
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
const BEFORE = process.argv.includes('--before')
  ? resolve(process.argv[process.argv.indexOf('--before') + 1], 'cli.js')
  : undefined
/** DuckDB's allocator hands freed memory back over about ten seconds (allocator_flush_threshold). */
const SETTLE_MS = 12_000
const MB = 1e6
const BUILDS = [['this build', CLI], ...(BEFORE ? [['before', BEFORE]] : [])]
const summary = (samples, format = ms) =>
  `${format(percentile(samples, 50))} (${format(Math.min(...samples))}–${format(Math.max(...samples))})`
const seconds = (value) => value.toFixed(2)
const loads = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')

/** Starts the server on `location`, answers the times until it listens and answers, its CPU and RSS. */
async function start(location, options) {
  const started = performance.now()
  const server = await startSpendlensServer(location, options.args ?? [], options)
  const listening = performance.now() - started
  const response = await fetch(`${server.url}/api/meta`)
  const meta = await response.json()
  const answered = performance.now() - started
  const cpu = cpuTimes(server.pid)?.process ?? Number.NaN
  const rss = residentBytes(server.pid) ?? Number.NaN
  let settled = Number.NaN
  if (options.settle) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
    settled = residentBytes(server.pid) ?? Number.NaN
  }
  await server.stop()
  return { listening, answered, cpu, rss, settled, events: meta.events }
}

console.log(
  `spendlens start bench: node ${process.version}, ${availableParallelism()} CPUs, ${RUNS} runs per build${BEFORE ? `, before = ${BEFORE}` : ''}; load average ${loads()}`,
)
const demo = new Map(BUILDS.map(([label]) => [label, { loaded: [], restarted: [], shipped: [] }]))
for (let run = 0; run < RUNS; run++) {
  for (const [label, cli] of run % 2 ? [...BUILDS].reverse() : BUILDS) {
    const folder = mkdtempSync(join(tmpdir(), 'spendlens-start-bench-'))
    try {
      const location = join(folder, 'demo.duckdb')
      // Jobs off: what the load leaves, not what a job's run holds at that moment.
      const args = ['--anomaly-interval', '0', '--budget-interval', '0']
      demo.get(label).loaded.push(await start(location, { demo: true, cli, settle: true, args }))
      demo.get(label).restarted.push(await start(location, { cli, settle: true, args }))
      demo.get(label).shipped.push(await start(location, { cli }))
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  }
}
console.log(
  `\ndemo load (into its own project) and a restart of the same store; median (min–max); load average ${loads()}`,
)
console.log(
  table(
    [
      'build',
      'start',
      'first answer ms',
      'server CPU s',
      'RSS at first answer MB',
      `RSS ${SETTLE_MS / 1000} s later MB`,
      'left by the demo MB',
    ],
    [...demo].flatMap(([label, { loaded, restarted, shipped }]) => {
      const left = loaded.map((sample, index) => (sample.settled - restarted[index].settled) / MB)
      return [
        [label, 'empty store, demo loaded', loaded, summary(left, integer)],
        [label, 'the same store restarted', restarted, ''],
        [label, 'restarted as shipped (jobs on)', shipped, ''],
      ].map(([build, start, samples, leftBehind]) => [
        build,
        start,
        summary(samples.map((sample) => sample.answered)),
        summary(
          samples.map((sample) => sample.cpu),
          seconds,
        ),
        summary(
          samples.map((sample) => sample.rss / MB),
          integer,
        ),
        samples.some((sample) => Number.isNaN(sample.settled))
          ? ''
          : summary(
              samples.map((sample) => sample.settled / MB),
              integer,
            ),
        leftBehind,
      ])
    }),
  ),
)
console.log(
  'left by the demo: RSS once settled, loaded − restarted, run by run (what a restart would give back).',
)

const rows = []
for (const events of STORES) {
  const path = await benchStore(events)
  const samples = new Map(BUILDS.map(([label]) => [label, []]))
  for (let run = 0; run < RUNS; run++)
    for (const [label, cli] of run % 2 ? [...BUILDS].reverse() : BUILDS)
      samples.get(label).push(await start(path, { cli }))
  for (const [label, runs] of samples)
    rows.push([
      integer(events),
      label,
      summary(runs.map((sample) => sample.listening)),
      summary(runs.map((sample) => sample.answered)),
      summary(
        runs.map((sample) => sample.cpu),
        seconds,
      ),
      summary(
        runs.map((sample) => sample.rss / MB),
        integer,
      ),
    ])
}
console.log(`\nrestart on an existing store (spendlens serve as shipped, jobs on); median (min–max)`)
console.log(table(['events', 'build', 'listening ms', 'first answer ms', 'server CPU s', 'RSS MB'], rows))
console.log(`load average after: ${loads()}`)
