// A DuckDB store of N events for the read benchmarks, made once and kept (default /work/bench-data,
// or BENCH_DATA): 100 million events through HTTP would take a day on the 2-core machine, so the
// events are multiplied inside DuckDB and the rollups built from them with the store's own SQL.
//
//   node bench/store-data.mjs --events 100000000        (made by bench:store when missing)
//
// 1. Templates: the demo product's events (generateDemoEvents over HISTORY_DAYS, priced by the
//    SDK), appended through the store's own append path (openStore), so every column is as ingest
//    writes it.
// 2. Replicas, one INSERT … SELECT per day of templates (in time order, as live traffic arrives):
//    template k gets its share of N (floor((k+1)N/T) − floor(kN/T) replicas), each with its own
//    event_id and provider_request_id, moved within its UTC hour (bench-support's movedWithinHour),
//    latency scaled by 0.75–1.25 and its latency bucket recomputed (latency-sketch.ts's bucketSql).
//    id_hash is DuckDB's hash of the id cut to 52 bits, not hashEventId (JavaScript): the same
//    size and spread for the store's id index, but a bench id sent again would not be found as a
//    duplicate. These stores are only read.
// 3. Rollups: emptied and rebuilt day by day from the events with contributionSql, the statement
//    the store's own migration builds them with (one row per cell, i.e. compacted).
// 4. CHECKPOINT, and `bench_events` = N in spendlens_meta: a store without it is made again.
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { generateDemoEvents } from '../packages/server/dist/demo/demo-data.js'
import { bucketSql } from '../packages/server/dist/query/latency-sketch.js'
import { ROLLUP_TABLES } from '../packages/server/dist/query/rollup-tables.js'
import { contributionSql } from '../packages/server/dist/store/duckdb/rollup-writer.js'
import { openStore } from '../packages/server/dist/store/open-store.js'
import { argument, integer } from './bench-support.mjs'

export const DATA_FOLDER = process.env.BENCH_DATA ?? '/work/bench-data'
export const HISTORY_DAYS = 90
const TEMPLATES = 100_000
const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

const log = (line) => process.stderr.write(`${line}\n`)

/** Where the store of `events` events lives. */
export const storePath = (events) => join(DATA_FOLDER, `events-${events}.duckdb`)

/** The count a finished store was made with, or undefined (missing or unfinished). */
async function madeWith(path) {
  if (!existsSync(path)) return undefined
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' })
  try {
    const connection = await instance.connect()
    const reader = await connection.runAndReadAll(
      "SELECT value FROM spendlens_meta WHERE key = 'bench_events'",
    )
    connection.closeSync()
    const value = reader.getRowObjects()[0]?.value
    return value === undefined ? undefined : Number(value)
  } catch {
    return undefined
  } finally {
    instance.closeSync()
  }
}

/** The store of `events` events, made when missing; answers its path. */
export async function benchStore(events) {
  const path = storePath(events)
  if ((await madeWith(path)) === events) return path
  mkdirSync(DATA_FOLDER, { recursive: true })
  rmSync(path, { force: true })
  rmSync(`${path}.wal`, { force: true })
  const started = performance.now()
  const seconds = () => ((performance.now() - started) / 1000).toFixed(0)

  // 1. Templates through the store's append path.
  const templates = generateDemoEvents({
    days: HISTORY_DAYS,
    // The demo's traffic shape averages about 0.85 of this per day.
    dailyRequests: Math.ceil(Math.min(events, TEMPLATES) / HISTORY_DAYS / 0.85),
    seed: 7,
  })
  const store = await openStore(path)
  for (let start = 0; start < templates.length; start += 20_000)
    await store.append(templates.slice(start, start + 20_000))
  await store.close()
  log(`${path}: ${integer(templates.length)} templates appended (${seconds()} s)`)

  // 2. Replicas inside DuckDB.
  const instance = await DuckDBInstance.create(path, { memory_limit: '2GB', threads: '2' })
  const connection = await instance.connect()
  const columns = (
    await connection.runAndReadAll(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position",
    )
  )
    .getRowObjects()
    .map((row) => String(row.column_name))
  const count = templates.length
  await connection.run(
    `CREATE TEMP TABLE templates AS SELECT row_number() OVER (ORDER BY ts, event_id) - 1 AS k, * FROM events`,
  )
  await connection.run('DELETE FROM events')
  for (const table of ROLLUP_TABLES) await connection.run(`DELETE FROM ${table.name}`)
  const replicas = `(floor((k + 1) * ${events} / ${count}) - floor(k * ${events} / ${count}))`
  const eventId = `'bench-' || k || '-' || replica`
  const scale = '(0.75 + ((replica * 0.618034) % 1) * 0.5)'
  const epochMs = 'epoch_ms(ts)'
  const replaced = {
    event_id: eventId,
    provider_request_id: `'req_' || k || '_' || replica`,
    ts: `make_timestamptz(1000 * (${epochMs} - ${epochMs} % ${HOUR_MS} + (${epochMs} % ${HOUR_MS} + replica * 1234567) % ${HOUR_MS}))`,
    latency_ms: `round(latency_ms * ${scale})`,
    latency_bucket: bucketSql(`round(latency_ms * ${scale})`),
    id_hash: `CAST(hash(${eventId}) >> 12 AS BIGINT)`,
  }
  const select = columns.map((column) => (replaced[column] ? `${replaced[column]} AS ${column}` : column))
  const first = Number(
    (await connection.runAndReadAll(`SELECT epoch_ms(min(ts)) AS first FROM templates`)).getRowObjects()[0]
      .first,
  )
  const firstDay = Math.floor(first / DAY_MS) * DAY_MS
  const lastDay = Number(
    (await connection.runAndReadAll(`SELECT epoch_ms(max(ts)) AS last FROM templates`)).getRowObjects()[0]
      .last,
  )
  const day = (ms) => `make_timestamptz(${ms * 1000})`
  for (let from = firstDay; from <= lastDay; from += DAY_MS) {
    await connection.run(
      `INSERT INTO events (${columns.join(', ')}) SELECT ${select.join(', ')} FROM (SELECT t.*, r.replica FROM templates t, range(CAST(ceil(${events} / ${count}) AS BIGINT) + 1) r(replica) WHERE t.ts >= ${day(from)} AND t.ts < ${day(from + DAY_MS)} AND r.replica < ${replicas}) ORDER BY ts`,
    )
    const source = `SELECT * FROM events WHERE ts >= ${day(from)} AND ts < ${day(from + DAY_MS)}`
    for (const table of ROLLUP_TABLES) await connection.run(contributionSql(table, source, 1))
    if (((from - firstDay) / DAY_MS) % 10 === 9)
      log(`${path}: day ${(from - firstDay) / DAY_MS + 1} (${seconds()} s)`)
  }
  await connection.run('DROP TABLE templates')
  const stored = Number(
    (await connection.runAndReadAll('SELECT count(*) AS n FROM events')).getRowObjects()[0].n,
  )
  if (stored !== events) throw new Error(`made ${stored} events, not ${events}`)
  await connection.run('CHECKPOINT')
  await connection.run("INSERT OR REPLACE INTO spendlens_meta VALUES ('bench_events', $n)", {
    n: String(events),
  })
  await connection.run('CHECKPOINT')
  connection.closeSync()
  instance.closeSync()
  log(`${path}: ${integer(events)} events and their rollups in ${seconds()} s`)
  return path
}

if (import.meta.url === `file://${process.argv[1]}`) await benchStore(argument('events', 10_000_000))
