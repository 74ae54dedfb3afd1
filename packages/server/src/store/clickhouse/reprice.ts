import { NANOS_PER_USD } from 'spendlens/internal'
import { PRICED_ROLLUP_TABLES, type RollupRow, rollupContributions } from '../../query/rollup-tables.js'
import { eventColumns } from '../../schema/events-table.js'
import { DEFAULT_PROJECT, storedProject } from '../../schema/projects.js'
import type { PriceChange, RepriceResult, RepriceStatus } from '../store.js'
import { type ClickHouseConnection, clickhouseTime } from './clickhouse-connection.js'

/** Ids per lookup: values travel as bound parameters, and an HTTP request has a size limit. */
const LOOKUP_CHUNK = 1000

const nanos = (usd: number | null) => (usd === null ? null : Math.round(usd * NANOS_PER_USD))

/** Every events column, `ts` as epoch milliseconds: a stored version read whole, to be written again. */
const SELECT = eventColumns('clickhouse')
  .map(({ name }) => (name === 'ts' ? 'toUnixTimestamp64Milli(ts) AS ts' : name))
  .join(', ')

/**
 * Sets new prices on stored events (Store.reprice) on ClickHouse. A repriced event is written again
 * whole with the same `ts`, so it has the same sorting key as the version it replaces, and
 * ReplacingMergeTree(ts) keeps, among rows of equal version, the last inserted: FINAL reads the new
 * price at once, merges drop the old row. Then the priced rollups get, in one insert per table, the
 * old version's contribution taken back and the new one's added.
 *
 * Each event is read back (FINAL) just before it is written, and left alone unless it is still the
 * version and price the caller read. Not atomic (no transactions): what a failure or a collector
 * writing the same event in between can do is in docs/reprice.md. `touch` hears of every hour whose
 * rollup rows changed.
 */
export async function repriceRows(
  connection: ClickHouseConnection,
  changes: readonly PriceChange[],
  project: string = DEFAULT_PROJECT,
  touch: (tsMs: number) => void = () => undefined,
): Promise<RepriceResult> {
  const statuses: RepriceStatus[] = changes.map(() => 'changed')
  const stored = new Map<string, RollupRow>()
  const ids = [...new Set(changes.map((change) => change.event_id))]
  for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
    const page = await connection.rows(
      `SELECT ${SELECT} FROM events FINAL WHERE project = {project:String} AND event_id IN {ids:Array(String)}`,
      { project: storedProject(project), ids: ids.slice(start, start + LOOKUP_CHUNK) },
    )
    for (const row of page) stored.set(String(row.event_id), { ...row, ts: Number(row.ts) } as RollupRow)
  }
  const before: RollupRow[] = []
  const after: RollupRow[] = []
  changes.forEach((change, position) => {
    const row = stored.get(change.event_id)
    if (
      !row ||
      row.ts !== Date.parse(change.ts) ||
      row.cost_nanos !== nanos(change.from.cost_usd) ||
      row.pricing_status !== change.from.pricing_status ||
      row.price_source !== change.from.price_source
    )
      return
    const record = row as RollupRow & Record<string, unknown>
    const first = record.recorded_pricing_status === null
    before.push(row)
    after.push({
      ...record,
      cost_nanos: nanos(change.to.cost_usd),
      pricing_status: change.to.pricing_status,
      price_source: change.to.price_source,
      // The first reprice keeps the price it replaces.
      recorded_cost_nanos: first ? row.cost_nanos : record.recorded_cost_nanos,
      recorded_pricing_status: first ? row.pricing_status : record.recorded_pricing_status,
      recorded_price_source: first ? row.price_source : record.recorded_price_source,
    } as RollupRow)
    statuses[position] = 'repriced'
    // Changed once: a second change of the same event in this batch no longer matches.
    stored.delete(change.event_id)
  })
  if (after.length === 0) return { statuses }
  await connection.insert(
    'events',
    after.map((row) => ({ ...row, ts: clickhouseTime(row.ts) })),
  )
  for (const table of PRICED_ROLLUP_TABLES) {
    const cells = [...rollupContributions(table, before, -1), ...rollupContributions(table, after, 1)]
    await connection.insert(
      table.name,
      cells.map((cell) => ({ ...cell, hour: clickhouseTime(cell.hour as number) })),
    )
  }
  for (const row of after) touch(row.ts)
  return { statuses }
}
