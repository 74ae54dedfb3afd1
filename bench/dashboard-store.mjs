// The store bench:dashboard draws from: N events varied from the demo product's, built once into a
// folder outside the repo and reused by later runs (it takes minutes; the dashboard's drawing is what
// the bench times, not this).
//
// What it holds, in the default project: the demo's events over the last DAYS days (its stories and
// the model migration planted), varied to N (appendVariedEvents: new ids, moved within their hour,
// so hourly shapes and every dimension's values stay the demo's), the rollups compacted; the demo's
// provider invoice with its amounts and counts scaled by N over the templates (so reconciling still
// compares like with like), its revenue and outcomes, its budgets, and what the anomaly detectors
// find over the last ANOMALY_DAYS days. Everything a view draws has data.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { detectAnomalies } from '../packages/server/dist/anomalies/detect-anomalies.js'
import { loadDemoBudgets } from '../packages/server/dist/demo/demo-budgets.js'
import { generateDemoEvents } from '../packages/server/dist/demo/demo-data.js'
import { loadDemoEconomics } from '../packages/server/dist/demo/demo-economics.js'
import { DEMO_INVOICE_SOURCES, generateDemoInvoice } from '../packages/server/dist/demo/demo-invoice.js'
import { plantModelMigration } from '../packages/server/dist/demo/demo-migration.js'
import { ANOMALIES_TABLE } from '../packages/server/dist/schema/anomalies-table.js'
import { INVOICE_PROVIDERS } from '../packages/server/dist/schema/invoice-table.js'
import { DEFAULT_PROJECT } from '../packages/server/dist/schema/projects.js'
import { openStore } from '../packages/server/dist/store/open-store.js'
import { appendVariedEvents, integer } from './bench-support.mjs'

const DAYS = 90
const ANOMALY_DAYS = 30
const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

/** An invoice line's figures that count calls, tokens or money: scaled with the events. */
const SCALED_FIELDS = [
  'amount_nanos',
  'quantity',
  'requests',
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'output_tokens',
  'input_audio_tokens',
  'output_audio_tokens',
]

/**
 * The store of `events` events in `folder` (made if missing, else reused as it is), with what it
 * says about itself: `{ path, events, end, builtSeconds }` (`end`: epoch ms, the data's last hour).
 */
export async function dashboardStore(folder, events, log = (line) => process.stderr.write(`${line}\n`)) {
  const path = join(folder, `events-${events}.duckdb`)
  const about = join(folder, `events-${events}.json`)
  if (existsSync(path) && existsSync(about)) return { path, ...JSON.parse(readFileSync(about, 'utf8')) }
  mkdirSync(folder, { recursive: true })
  // Built under a temporary name, so an interrupted build is never taken for a finished store.
  const building = `${path}.building`
  rmSync(building, { force: true })
  rmSync(`${building}.wal`, { force: true })
  const started = performance.now()
  const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS
  const now = end - 1
  const templates = plantModelMigration(generateDemoEvents({ days: DAYS, now: new Date(now) }))
  const scale = events / templates.length
  log(`dashboard store: ${integer(events)} events varied from ${integer(templates.length)} over ${DAYS} days`)
  const store = await openStore(building)
  try {
    const appendSeconds = await appendVariedEvents(store, templates, events, now)
    log(`  appended in ${appendSeconds.toFixed(0)} s (${integer(events / appendSeconds)} events/s)`)
    await store.compactRollup()
    const { lines, truth } = generateDemoInvoice(templates)
    const scaled = lines.map((line) => {
      const copy = { ...line }
      for (const field of SCALED_FIELDS)
        if (copy[field] != null) copy[field] = Math.round(copy[field] * scale)
      return copy
    })
    for (const provider of INVOICE_PROVIDERS)
      for (const source of DEMO_INVOICE_SOURCES[provider])
        await store.replaceInvoiceLines(
          { project: DEFAULT_PROJECT, provider, source, from: truth.from, to: truth.to },
          scaled.filter((line) => line.provider === provider && line.source === source),
        )
    await loadDemoEconomics(store, templates, undefined, DEFAULT_PROJECT)
    await loadDemoBudgets(store, now, DEFAULT_PROJECT)
    const anomalies = await detectAnomalies({
      store,
      project: DEFAULT_PROJECT,
      from: end - ANOMALY_DAYS * DAY_MS,
      to: end,
      existing: [],
      now: () => now,
    })
    if (anomalies.length > 0) await store.writeRecords(ANOMALIES_TABLE, anomalies)
    log(`  invoice ${integer(scaled.length)} lines, ${integer(anomalies.length)} anomalies`)
  } finally {
    await store.close()
  }
  renameSync(building, path)
  if (existsSync(`${building}.wal`)) renameSync(`${building}.wal`, `${path}.wal`)
  const built = { events, end, builtSeconds: Math.round((performance.now() - started) / 1000) }
  writeFileSync(about, `${JSON.stringify(built)}\n`)
  log(`  built in ${built.builtSeconds} s: ${path}`)
  return { path, ...built }
}
