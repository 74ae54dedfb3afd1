// The anomaly detectors: what they find of planted anomalies when run as the server's job runs
// them, how often they raise one in normal traffic, and what a run costs at ten million events.
//
//   npm run bench:anomalies                (builds packages/sdk and packages/server, then runs this)
//   npm run bench:anomalies -- --seeds 4 --step 30 --normal-weeks 1 --concurrency 2 --sections quality
//   npm run bench:anomalies -- --sections speed --events 10000000 --runs 9 --engines duckdb,clickhouse
//   npm run bench:anomalies -- --seeds 1 --step 60 --events 1000000      (a quick look)
//
// 1. Quality. For each seed, anomalyScenario (src/demo/anomaly-scenario.ts): four weeks of
//    seasonal, noisy traffic, --normal-weeks more of it, then a week with one anomaly of each kind
//    planted at a random hour, at a size this bench draws (below). The first four weeks go into a
//    DuckDB file; the rest is walked as a running server lives it: every --step minutes of simulated
//    time the events from before that moment are appended, then the anomaly job's run
//    (jobs/anomaly-job.ts: every project, the previous hour and the current one, the stored
//    anomalies still open as the book's start, what changed written back) runs with that clock.
//    A planted anomaly is found when an anomaly of its kind and scope starts at its hour (as in
//    test/anomalies.test.ts); its delay is the simulated time of the first run that raised it minus
//    the start of its hour. A false alarm is a finding more than an hour away from every planted
//    anomaly, counted as incidents (one value's hour seen by two detectors is one, as the alerts
//    group it), per week of normal traffic (the walked weeks before the planted one). Each seed
//    walks in a worker thread of its own, --concurrency at a time: a run of the job costs a few
//    hundred ms of CPU even on these small stores, and a walked week is 168 × 60 / --step of them.
// 2. Speed. N events varied from the demo product's over SPEED_DAYS days (the detectors read four
//    weeks and a day back from the first hour they judge), appended in process; then the job's run
//    (one project, the previous hour and the current one) timed, its parts (the same run with the
//    store's reads made one at a time and timed), and a one-week backtest.
//
// Figures only; nothing is asserted.
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { detectAnomalies } from '../packages/server/dist/anomalies/detect-anomalies.js'
import { anomalyScenario, PLANT_SIZES } from '../packages/server/dist/demo/anomaly-scenario.js'
import { generateDemoEvents } from '../packages/server/dist/demo/demo-data.js'
import { seededRandom } from '../packages/server/dist/demo/seeded-random.js'
import { ANOMALIES_TABLE } from '../packages/server/dist/schema/anomalies-table.js'
import { openStore } from '../packages/server/dist/store/open-store.js'
import {
  appendVariedEvents,
  argument,
  integer,
  ms,
  percentile,
  spread,
  table,
  timed,
} from './bench-support.mjs'

const SEEDS = argument('seeds', 4)
const STEP_MINUTES = argument('step', 30)
const NORMAL_WEEKS = argument('normal-weeks', 1)
const CONCURRENCY = argument('concurrency', availableParallelism())
const EVENTS = argument('events', 10_000_000)
const RUNS = argument('runs', 9)
const BACKTEST_RUNS = argument('backtest-runs', 3)
const listOption = (name, fallback) =>
  (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback).split(
    ',',
  )
const SECTIONS = listOption('sections', 'quality,speed')
const ENGINES = listOption('engines', 'duckdb')
if (60 % STEP_MINUTES !== 0) throw new Error('--step divides the hour (5, 10, 15, 20, 30 or 60 minutes)')

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
const WEEK_MS = 7 * DAY_MS
const STEP_MS = STEP_MINUTES * 60_000
const APPEND_BATCH = 20_000
const SPEED_DAYS = 37
const PROJECT = 'default'
const TARGET_DELAY_MINUTES = 60
const TARGET_FALSE_ALARMS_PER_WEEK = 1

const median = (samples) => percentile(samples, 50)
const minutes = (value) => (value === undefined ? '-' : String(Math.round(value)))
const when = (time) =>
  `${new Date(time).toUTCString().slice(0, 3)} ${new Date(time).toISOString().slice(0, 16).replace('T', ' ')}`
const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')

// ------------------------------------------------------------------ sizes

/**
 * The sizes planted, per kind, in its unit (PLANT_SIZES: the unit and the floor the default
 * thresholds set in it): the smallest and largest planted, the step they are rounded to (a call, a
 * loop's ten-cent call), and the margin: the multiple of the floor from which the hour's noise
 * (volume ±20%, price per call ±30%, the customer's own traffic) can no longer take the figure the
 * detector sees below its floor. Where the size is exact (a count of calls or tokens), the margin is 1.
 */
const SIZES = {
  spend_spike: { smallest: 1.5, largest: 8, step: 0.01, margin: 1.4 },
  customer_hour: { smallest: 0.3, largest: 25, step: 0.1, margin: 1.4 },
  request_outlier: { smallest: 4, largest: 40, step: 0.01, margin: 1 },
  duplicated_job: { smallest: 1.2, largest: 4, step: 0.01, margin: 1.4 },
  prompt_drift: { smallest: 1.05, largest: 4, step: 0.01, margin: 1.4 },
  off_hours: { smallest: 3, largest: 60, step: 1, margin: 1 },
  error_storm: { smallest: 6, largest: 80, step: 1, margin: 1 },
  new_model: { smallest: 1, largest: 30, step: 1, margin: 1 },
  unpriced_model: { smallest: 1, largest: 10, step: 1, margin: 1 },
}
/** Below this multiple of the floor a plant is clearly below it; from here to the margin, near it. */
const NEAR = 0.75
/** How often each band is drawn (the rest below the floor, for kinds that have sizes below it). */
const ABOVE_SHARE = 0.6
const NEAR_SHARE = 0.15

/** `above` (judged against the targets), `near` its floor (the hour's noise decides) or `below` it. */
function band(kind, size) {
  const { floor } = PLANT_SIZES[kind]
  const { margin } = SIZES[kind]
  if (size >= margin * floor) return 'above'
  return margin > 1 && size >= NEAR * floor ? 'near' : 'below'
}

/** A size for a plant of `kind`: a band first, then log-uniform within it, rounded to the kind's step. */
function drawSize(kind, random) {
  const { floor } = PLANT_SIZES[kind]
  const { smallest, largest, step, margin } = SIZES[kind]
  const pick = random()
  const [low, high] =
    smallest >= floor || pick < ABOVE_SHARE
      ? [Math.max(smallest, margin * floor), largest]
      : margin > 1 && pick < ABOVE_SHARE + NEAR_SHARE
        ? [NEAR * floor, margin * floor]
        : [smallest, NEAR * floor]
  // Judged by the band of the size after rounding (band()), which rounding may move by a step.
  return Math.round((low * (high / low) ** random()) / step) * step
}

// ------------------------------------------------------------------ 1. quality

/**
 * One run of the anomaly job (jobs/anomaly-job.ts's `run`) at simulated time `now`: every project,
 * the previous hour and the current one, the stored anomalies still open as `existing` (the
 * default), what changed written back. `onChanged` is told of each anomaly opened, extended or resolved.
 */
async function jobRun(store, now, onChanged) {
  const current = Math.floor(now / HOUR_MS) * HOUR_MS
  for (const project of await store.projects()) {
    const changed = await detectAnomalies({
      store,
      project,
      from: current - HOUR_MS,
      to: current + HOUR_MS,
      now: () => now,
    })
    if (changed.length === 0) continue
    await store.writeRecords(ANOMALIES_TABLE, changed)
    for (const anomaly of changed) onChanged(anomaly)
  }
}

/** One seed's scenario walked as the server lives it; what it found, judged against what was planted. */
async function walkSeed(seed, folder) {
  const random = seededRandom(10_000 + seed)
  const scenario = anomalyScenario({
    weeks: 4 + NORMAL_WEEKS,
    seed,
    sizes: (spot) => drawSize(spot.kind, random),
  })
  const events = scenario.events.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0))
  const walkStart = scenario.plantedWeekStart - NORMAL_WEEKS * WEEK_MS
  const store = await openStore(join(folder, `seed-${seed}.duckdb`))
  try {
    let appended = 0
    const appendBefore = async (moment) => {
      let end = appended
      while (end < events.length && Date.parse(events[end].ts) < moment) end++
      for (let start = appended; start < end; start += APPEND_BATCH)
        await store.append(events.slice(start, Math.min(end, start + APPEND_BATCH)))
      appended = end
    }
    await appendBefore(walkStart)
    /** Anomaly id → the simulated time of the first run that raised it. */
    const raised = new Map()
    const runTimes = []
    for (let now = walkStart + STEP_MS; now <= scenario.plantedWeekEnd; now += STEP_MS) {
      await appendBefore(now)
      runTimes.push(
        await timed(() =>
          jobRun(store, now, (anomaly) => {
            if (!raised.has(anomaly.id)) raised.set(anomaly.id, now)
          }),
        ),
      )
    }
    const stored = await store.readRecords(ANOMALIES_TABLE)
    return { seed, ...judge(scenario, stored, raised), runTimes }
  } finally {
    await store.close()
  }
}

/** What became of each plant, and the findings far from every plant (false alarms). */
function judge(scenario, stored, raised) {
  const near = (anomaly, plant) => Math.abs(anomaly.start - plant.hour) <= HOUR_MS
  const plants = scenario.planted.map((plant) => {
    const match = stored.find(
      (anomaly) =>
        anomaly.kind === plant.kind &&
        anomaly.scopeDimension === plant.dimension &&
        anomaly.scopeValue === plant.value &&
        anomaly.start === plant.hour,
    )
    return {
      ...plant,
      band: band(plant.kind, plant.size),
      delay: match && (raised.get(match.id) - plant.hour) / 60_000,
      // When missed: what was found of its kind and value, or anything else within the hour around it.
      instead: match
        ? []
        : stored.filter(
            (anomaly) =>
              (anomaly.kind === plant.kind && anomaly.scopeValue === plant.value) || near(anomaly, plant),
          ),
    }
  })
  const falseAlarms = stored
    .filter((anomaly) => !scenario.planted.some((plant) => near(anomaly, plant)))
    .map((anomaly) => ({ anomaly, normalWeek: anomaly.start < scenario.plantedWeekStart }))
  return { plants, falseAlarms }
}

/** walkSeed in a worker thread: the seeds' walks use every core, each on its own DuckDB file. */
function walkInWorker(seed, folder) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { seed, folder },
      argv: process.argv.slice(2),
    })
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`seed ${seed}: its worker exited with code ${code}`))
    })
  })
}

/** Incidents among false alarms: distinct seed, value and start. */
const incidents = (alarms) =>
  new Set(alarms.map(({ seed, anomaly }) => `${seed}\u0000${anomaly.scopeValue}\u0000${anomaly.start}`)).size

const describe = (anomaly) =>
  `${anomaly.kind} ${anomaly.scopeDimension}=${anomaly.scopeValue} from ${when(anomaly.start)} ` +
  `(${anomaly.measure} ${anomaly.observed.toPrecision(3)} vs ${anomaly.expected.toPrecision(3)} expected, ` +
  `$${(anomaly.moneyAtStakeNanos / 1e9).toFixed(2)} at stake)`

async function benchQuality() {
  const folder = mkdtempSync(join(tmpdir(), 'spendlens-anomaly-bench-'))
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  const loadBefore = load()
  const results = []
  try {
    let next = 1
    const walkNext = async () => {
      while (next <= SEEDS) {
        const seed = next++
        const result = await walkInWorker(seed, folder)
        results.push(result)
        process.stderr.write(
          `  seed ${seed}: walked in ${((performance.now() - started) / 1000).toFixed(0)} s since the start\n`,
        )
      }
    }
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, SEEDS) }, walkNext))
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
  results.sort((a, b) => a.seed - b.seed)
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const plants = results.flatMap(({ seed, plants }) => plants.map((plant) => ({ seed, ...plant })))
  const alarms = results.flatMap(({ seed, falseAlarms }) => falseAlarms.map((alarm) => ({ seed, ...alarm })))
  const runTimes = results.flatMap((result) => result.runTimes)

  console.log(
    `\n1. Quality: ${SEEDS} seeds, each ${NORMAL_WEEKS} normal week${NORMAL_WEEKS === 1 ? '' : 's'} and a week with one anomaly of each kind planted, ` +
      `walked as the server's job runs (a run every ${STEP_MINUTES} minutes of simulated time, events appended as they happen, ` +
      `${CONCURRENCY} seeds at a time): ${seconds.toFixed(0)} s; ${integer(runTimes.length)} runs, ` +
      `${ms(median(runTimes))} ms median (p95 ${ms(percentile(runTimes, 95))}) on the scenario's small stores, ` +
      `${ms((cpu.user + cpu.system) / 1000 / runTimes.length)} ms of CPU a step (appending included); load average ${loadBefore} before, ${load()} after`,
  )
  console.log(
    `Sizes in each kind's unit; "judged" are at least the margin × the floor (where the hour's noise cannot take them below it), ` +
      `"near" from ${NEAR}× the floor to the margin, "below" under that; delay = first run that raised it − the start of its hour`,
  )
  const kinds = Object.keys(PLANT_SIZES)
  const inBand = (list, name) => list.filter((plant) => plant.band === name)
  const foundOf = (list) => `${list.filter((plant) => plant.delay !== undefined).length}/${list.length}`
  const rows = kinds.map((kind) => {
    const ofKind = plants.filter((plant) => plant.kind === kind)
    const judged = inBand(ofKind, 'above')
    const found = judged.filter((plant) => plant.delay !== undefined)
    const delays = found.map((plant) => plant.delay)
    const missed = judged.length - found.length
    const late = delays.filter((delay) => delay > TARGET_DELAY_MINUTES).length
    const { unit, floor } = PLANT_SIZES[kind]
    return [
      kind,
      unit,
      String(floor),
      String(+(SIZES[kind].margin * floor).toFixed(2)),
      String(judged.length),
      String(found.length),
      String(missed),
      minutes(delays.length ? median(delays) : undefined),
      minutes(delays.length ? Math.max(...delays) : undefined),
      SIZES[kind].margin > 1 ? foundOf(inBand(ofKind, 'near')) : '-',
      SIZES[kind].smallest < floor ? foundOf(inBand(ofKind, 'below')) : '-',
      missed === 0 && late === 0
        ? 'PASS'
        : `FAIL (${[missed && `${missed} missed`, late && `${late} late`].filter(Boolean).join(', ')})`,
    ]
  })
  console.log(
    table(
      [
        'kind',
        'size unit',
        'floor',
        'judged from',
        'injected',
        'found',
        'missed',
        'delay median min',
        'max',
        'near floor found',
        'below floor found',
        `found, ≤ ${TARGET_DELAY_MINUTES} min`,
      ],
      rows,
    ),
  )

  const normalAlarms = alarms.filter((alarm) => alarm.normalWeek)
  const normalWeeks = SEEDS * NORMAL_WEEKS
  const alarmRows = kinds.map((kind) => {
    const ofKind = (list) => list.filter(({ anomaly }) => anomaly.kind === kind)
    return [
      kind,
      String(incidents(ofKind(normalAlarms))),
      (incidents(ofKind(normalAlarms)) / normalWeeks).toFixed(2),
      String(incidents(ofKind(alarms.filter((alarm) => !alarm.normalWeek)))),
      '',
    ]
  })
  const perWeek = incidents(normalAlarms) / normalWeeks
  alarmRows.push([
    'all detectors',
    String(incidents(normalAlarms)),
    perWeek.toFixed(2),
    String(incidents(alarms.filter((alarm) => !alarm.normalWeek))),
    perWeek <= TARGET_FALSE_ALARMS_PER_WEEK ? 'PASS' : 'FAIL',
  ])
  console.log(
    `\nFalse alarms (findings more than an hour from every plant, as incidents: distinct value and start; ` +
      `one incident seen by two detectors counts once in "all detectors"), over ${normalWeeks} normal weeks`,
  )
  console.log(
    table(
      [
        'detector',
        'in normal weeks',
        'per normal week',
        'in planted weeks',
        `≤ ${TARGET_FALSE_ALARMS_PER_WEEK} a week`,
      ],
      alarmRows,
    ),
  )

  const lines = results.map(
    ({ seed, plants: planted }) =>
      `seed ${seed} planted: ${planted.map((plant) => `${plant.kind} ${plant.value} ${when(plant.hour).slice(0, 3)} ${when(plant.hour).slice(15)} size ${+plant.size.toFixed(2)}`).join(', ')}`,
  )
  for (const plant of plants) {
    const label = `seed ${plant.seed} ${plant.kind} ${plant.dimension}=${plant.value} at ${when(plant.hour)}, size ${+plant.size.toFixed(2)} (${plant.band})`
    if (plant.delay === undefined && plant.band === 'above')
      lines.push(
        `MISSED ${label}; found instead: ${plant.instead.map(describe).join('; ') || 'nothing around it'}`,
      )
    else if (plant.delay > TARGET_DELAY_MINUTES) lines.push(`LATE ${label}: raised after ${plant.delay} min`)
  }
  for (const { seed, anomaly, normalWeek } of alarms.sort(
    (a, b) => a.seed - b.seed || a.anomaly.start - b.anomaly.start,
  ))
    lines.push(`FALSE ALARM seed ${seed}, ${normalWeek ? 'normal' : 'planted'} week: ${describe(anomaly)}`)
  for (const plant of plants.filter((candidate) => candidate.band !== 'above'))
    lines.push(
      `${plant.band} floor, ${plant.delay === undefined ? 'not found' : `found after ${plant.delay} min`}: seed ${plant.seed} ` +
        `${plant.kind} ${plant.dimension}=${plant.value} size ${+plant.size.toFixed(2)} (floor ${PLANT_SIZES[plant.kind].floor})`,
    )
  if (lines.length) console.log(`\n${lines.join('\n')}`)
}

// ------------------------------------------------------------------ 2. speed

/**
 * `store` with its reads made one at a time, each timed under its part (the engine's work and the
 * rows turned into objects: store.query's): the run reads concurrently, so its parts would overlap;
 * one at a time they add up, and the rest of the run's time is the detectors' own work (series
 * built from the rows, every hour judged). Rows and statements are counted per part.
 */
function timedStore(store) {
  const parts = new Map()
  let queue = Promise.resolve()
  const measure = (part, work) => {
    const run = queue.then(async () => {
      const started = performance.now()
      const rows = await work().catch((error) => {
        add(part, performance.now() - started, 0)
        throw error
      })
      add(part, performance.now() - started, rows.length)
      return rows
    })
    queue = run.catch(() => undefined)
    return run
  }
  const add = (part, time, rows) => {
    const figures = parts.get(part) ?? { ms: 0, rows: 0, statements: 0 }
    parts.set(part, { ms: figures.ms + time, rows: figures.rows + rows, statements: figures.statements + 1 })
  }
  const wrapped = Object.create(store)
  wrapped.query = (query) => {
    const from = store.plan(query).sums.from === 'rollup' ? 'rollups' : 'events'
    const what =
      query.bucket === 'day' ? "outliers' daily sums" : `hourly series (${query.groupBy.join(', ')})`
    return measure(`${what}, ${from}`, () => store.query(query))
  }
  wrapped.templateHours = (request) =>
    measure("templates' heaviest requests and quartiles, events", () => store.templateHours(request))
  wrapped.readRecords = (recordTable) => measure('stored anomalies', () => store.readRecords(recordTable))
  return { store: wrapped, parts }
}

async function benchSpeed(engine) {
  const folder = mkdtempSync(join(tmpdir(), `spendlens-anomaly-speed-${engine}-`))
  const store = await openStore(
    engine === 'duckdb' ? join(folder, 'events.duckdb') : `chdb://${join(folder, 'chdb')}`,
  )
  try {
    // The data ends with the current hour, full: the job's run at its last minute.
    const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS
    const now = end - 1
    const current = end - HOUR_MS
    const templates = generateDemoEvents({ days: SPEED_DAYS, now: new Date(now) })
    process.stderr.write(`${engine}: appending ${integer(EVENTS)} events\n`)
    const loadSeconds = await appendVariedEvents(store, templates, EVENTS, now)
    // A running server folds the rollups' partial rows in the background; reach that state now.
    await store.compactRollup()
    const run = (on = store) =>
      detectAnomalies({
        store: on,
        project: PROJECT,
        from: current - HOUR_MS,
        to: current + HOUR_MS,
        now: () => now,
      })
    const samples = { run: [], cpu: [], serial: [] }
    const partSamples = new Map()
    let found = 0
    for (let repeat = 0; repeat <= RUNS; repeat++) {
      const cpuBefore = process.cpuUsage()
      const runMs = await timed(async () => {
        found = (await run()).length
      })
      const cpu = process.cpuUsage(cpuBefore)
      const timing = timedStore(store)
      const serialMs = await timed(() => run(timing.store))
      if (repeat === 0) continue // warm-up
      samples.run.push(runMs)
      samples.cpu.push((cpu.user + cpu.system) / 1000)
      samples.serial.push(serialMs)
      for (const [part, figures] of timing.parts)
        partSamples.set(part, [...(partSamples.get(part) ?? []), figures])
      process.stderr.write(`  ${engine}: run ${repeat}/${RUNS}: ${ms(runMs)} ms\n`)
    }
    const backtests = []
    let backtestFound = 0
    for (let repeat = 0; repeat < BACKTEST_RUNS; repeat++)
      backtests.push(
        await timed(async () => {
          backtestFound = (
            await detectAnomalies({
              store,
              project: PROJECT,
              from: end - WEEK_MS,
              to: end,
              existing: [],
              now: () => now,
            })
          ).length
        }),
      )

    console.log(
      `\n2. Speed on ${engine}: ${integer(EVENTS)} events over ${SPEED_DAYS} days (varied from the demo product's ${integer(templates.length)}) ` +
        `appended in process in ${loadSeconds.toFixed(0)} s (${integer(EVENTS / loadSeconds)} events/s); ` +
        `${RUNS} runs after a warm-up, median (min–max) ms; load average ${load()}`,
    )
    const partRows = [...partSamples].map(([part, figures]) => {
      const times = figures.map((entry) => entry.ms)
      return [
        `  ${part}`,
        ms(median(times)),
        spread(times),
        '',
        String(figures[0].statements),
        integer(figures[0].rows),
      ]
    })
    const summed = (index) => [...partSamples.values()].reduce((sum, figures) => sum + figures[index].ms, 0)
    const rest = samples.serial.map((serial, index) => serial - summed(index))
    console.log(
      table(
        ['what', 'median ms', 'min–max', 'CPU ms', 'statements', 'rows'],
        [
          [
            `incremental run (previous + current hour; ${found} anomalies)`,
            ms(median(samples.run)),
            spread(samples.run),
            ms(median(samples.cpu)),
            '',
            '',
          ],
          [
            'the same run, its store reads one at a time:',
            ms(median(samples.serial)),
            spread(samples.serial),
            '',
            '',
            '',
          ],
          ...partRows,
          ["  the detectors' own work (the rest)", ms(median(rest)), spread(rest), '', '', ''],
          [
            `one-week backtest (168 hours; ${backtestFound} anomalies; ${BACKTEST_RUNS} runs)`,
            ms(median(backtests)),
            spread(backtests),
            '',
            '',
            '',
          ],
        ],
      ),
    )
    console.log(
      "CPU ms: the whole process (the engine's threads included) during the run; the machine's two cores are shared, so wall time moves more than CPU time.",
    )
  } finally {
    await store.close()
    rmSync(folder, { recursive: true, force: true })
  }
}

if (isMainThread) {
  console.log(
    `spendlens anomaly bench: node ${process.version}, ${process.platform}/${process.arch}, ` +
      `${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? '?'}), load average ${load()}`,
  )
  if (SECTIONS.includes('quality')) await benchQuality()
  if (SECTIONS.includes('speed')) for (const engine of ENGINES) await benchSpeed(engine)
} else {
  parentPort.postMessage(await walkSeed(workerData.seed, workerData.folder))
}
