import type { DuckDBConnection } from '@duckdb/node-api'
import { NANOS_PER_USD } from 'spendlens/internal'
import { PRICED_ROLLUP_TABLES } from '../../query/rollup-tables.js'
import { hashEventId } from '../../schema/event-id-hash.js'
import { DEFAULT_PROJECT, eventIdentity, storedProject } from '../../schema/projects.js'
import type { PriceChange, RepriceResult, RepriceStatus } from '../store.js'
import type { RollupHours } from './rollup-hours.js'
import { contributionSql } from './rollup-writer.js'
import { runTransaction } from './transactions.js'

const nanos = (usd: number | null) => (usd === null ? null : Math.round(usd * NANOS_PER_USD))

/**
 * Sets new prices on stored events (Store.reprice) in one transaction with the rollups: the priced
 * rollups lose the contribution of the events as they were and gain it as they are now, so they
 * stay the exact sum of the events. Only an event that is still the version and price read is
 * changed (the match is kept in a temp table so that the three steps touch the same rows). Runs
 * with no append in flight (the pipeline's exclusive section).
 */
export async function repriceEvents(
  writer: DuckDBConnection,
  hours: RollupHours,
  changes: readonly PriceChange[],
  project = DEFAULT_PROJECT,
): Promise<RepriceResult> {
  const statuses: RepriceStatus[] = changes.map(() => 'changed')
  if (changes.length === 0) return { statuses }
  const stored = storedProject(project)
  await writer.run(
    `CREATE OR REPLACE TEMP TABLE reprice_changes (position INTEGER, id_hash BIGINT, event_id VARCHAR,
      project VARCHAR, ts_ms BIGINT, from_cost BIGINT, from_status VARCHAR, from_source VARCHAR,
      to_cost BIGINT, to_status VARCHAR, to_source VARCHAR)`,
  )
  const appender = await writer.createAppender('reprice_changes')
  const hashes = new Set<number>()
  const bigint = (value: number | null) =>
    value === null ? appender.appendNull() : appender.appendBigInt(BigInt(value))
  const varchar = (value: string | null) =>
    value === null ? appender.appendNull() : appender.appendVarchar(value)
  const listed = new Set<string>()
  changes.forEach((change, position) => {
    // An event listed twice is changed once, by its first change (the others no longer match).
    if (listed.has(change.event_id)) return
    listed.add(change.event_id)
    // The hash of the event's identity in its project, as ingest stored it (encode-columns.ts).
    const hash = hashEventId(eventIdentity(project, change.event_id))
    hashes.add(hash)
    appender.appendInteger(position)
    appender.appendBigInt(BigInt(hash))
    appender.appendVarchar(change.event_id)
    appender.appendVarchar(stored)
    appender.appendBigInt(BigInt(Date.parse(change.ts)))
    bigint(nanos(change.from.cost_usd))
    appender.appendVarchar(change.from.pricing_status)
    varchar(change.from.price_source)
    bigint(nanos(change.to.cost_usd))
    appender.appendVarchar(change.to.pricing_status)
    varchar(change.to.price_source)
    appender.endRow()
  })
  appender.closeSync()
  // Hashes are numbers computed here, never input: inlined, so the scan reads only id_hash for the
  // rows that do not match (as the append's lookup does).
  const hashList = [...hashes].join(', ')
  const hashed = `e.id_hash IN (${hashList})`
  const identity = 'e.id_hash = c.id_hash AND e.event_id = c.event_id AND e.project = c.project'
  const matched = `SELECT e.* FROM events e JOIN reprice_matched c ON ${identity} WHERE ${hashed}`
  await runTransaction(writer, [
    `CREATE OR REPLACE TEMP TABLE reprice_matched AS SELECT c.* FROM reprice_changes c JOIN events e
      ON ${identity} AND epoch_ms(e.ts) = c.ts_ms AND e.cost_nanos IS NOT DISTINCT FROM c.from_cost
      AND e.pricing_status = c.from_status AND e.price_source IS NOT DISTINCT FROM c.from_source
      WHERE ${hashed}`,
    ...PRICED_ROLLUP_TABLES.map((table) => contributionSql(table, matched, -1)),
    // SET reads the row as it was: the first reprice keeps the price it replaces.
    `UPDATE events SET cost_nanos = c.to_cost, pricing_status = c.to_status, price_source = c.to_source,
      recorded_cost_nanos = CASE WHEN events.recorded_pricing_status IS NULL THEN events.cost_nanos ELSE events.recorded_cost_nanos END,
      recorded_price_source = CASE WHEN events.recorded_pricing_status IS NULL THEN events.price_source ELSE events.recorded_price_source END,
      recorded_pricing_status = coalesce(events.recorded_pricing_status, events.pricing_status)
      FROM reprice_matched c
      WHERE events.id_hash = c.id_hash AND events.event_id = c.event_id AND events.project = c.project
      AND events.id_hash IN (${hashList})`,
    ...PRICED_ROLLUP_TABLES.map((table) => contributionSql(table, matched, 1)),
  ])
  const reader = await writer.runAndReadAll('SELECT position, ts_ms FROM reprice_matched')
  for (const [position, tsMs] of reader.getRows()) {
    statuses[Number(position)] = 'repriced'
    hours.touch(Number(tsMs))
  }
  await writer.run('DROP TABLE reprice_matched; DROP TABLE reprice_changes')
  return { statuses }
}
