import { ROLLUP_TABLES, type RollupRow, rollupContributions } from '../../query/rollup-tables.js'
import { ROLLUP_SOURCE_COLUMNS } from '../../schema/events-table.js'
import { eventIdentity, projectFromStored } from '../../schema/projects.js'
import type { AppendResult, AppendStatus } from '../store.js'
import { type ClickHouseConnection, clickhouseTime } from './clickhouse-connection.js'
import type { EventRows } from './encode-rows.js'

/** Ids per lookup: values travel as bound parameters, and an HTTP request has a size limit. */
const LOOKUP_CHUNK = 1000

const DAY_MS = 86_400_000

/**
 * Stores a batch on ClickHouse: each event_id once, the latest ts winning (the strategy, with its
 * limits, is in migrations.ts), and the rollups' contributions around the insert. The store runs
 * one append at a time per process. `touch` hears of every hour whose rollup rows changed.
 */
export async function appendRows(
  connection: ClickHouseConnection,
  deleteFrom: string,
  batch: EventRows,
  touch: (tsMs: number) => void,
): Promise<AppendResult> {
  const { records } = batch
  const statuses: AppendStatus[] = records.map(() => 'duplicate')
  // Within the batch, the latest ts of each event (its event_id within its project) is the
  // candidate (the first of equals).
  const candidate = new Map<string, number>()
  records.forEach((record, index) => {
    const identity = identityOf(record)
    const current = candidate.get(identity)
    if (current === undefined || record.ts > (records[current] as RollupRow).ts)
      candidate.set(identity, index)
  })
  if (candidate.size === 0) return { statuses }
  const eventIds = [
    ...new Set([...candidate.values()].map((index) => (records[index] as RollupRow).event_id)),
  ]
  const stored = await storedVersions(connection, eventIds)
  const added: RollupRow[] = []
  const replaced = new Set<string>()
  const movedDay: RollupRow[] = []
  for (const [identity, index] of candidate) {
    const record = records[index] as RollupRow
    const storedTs = stored.get(identity)
    if (storedTs !== undefined && record.ts <= storedTs) continue
    statuses[index] = storedTs === undefined ? 'inserted' : 'replaced'
    added.push(record)
    if (storedTs !== undefined) replaced.add(identity)
    // Another day is another sorting key: ReplacingMergeTree would keep both (see migrations.ts).
    if (storedTs !== undefined && Math.floor(record.ts / DAY_MS) !== Math.floor(storedTs / DAY_MS))
      movedDay.push(record)
  }
  if (added.length === 0) return { statuses }
  // What the rollups count of the versions being replaced, read before they go (see below).
  const removed = replaced.size > 0 ? await storedRows(connection, replaced) : []
  // Deleted per project: another project's event of the same id stays.
  for (const [project, ids] of groupIds(movedDay))
    await connection.command(
      `DELETE FROM ${deleteFrom} WHERE project = {project:String} AND event_id IN {ids:Array(String)}`,
      { project, ids },
    )
  await connection.insert(
    'events',
    added.map((record) => ({ ...record, ts: clickhouseTime(record.ts) })),
  )
  // The rollups follow what FINAL counts: + each version written, − each version it replaced.
  // A duplicate writes nothing, so it adds nothing. Not atomic with the insert above: a
  // failure in between leaves the rollups off until rebuilt (docs/deploy-clickhouse.md).
  await insertContributions(connection, added, removed)
  for (const record of [...added, ...removed]) touch(record.ts)
  return { statuses }
}

/** An event's identity: its event_id within its project (schema/projects.ts). */
const identityOf = (row: { event_id: string; project?: unknown }) =>
  eventIdentity(projectFromStored(row.project as string | null | undefined), row.event_id)

/** The rows' event_ids by stored project. */
function groupIds(rows: readonly RollupRow[]): Map<string, string[]> {
  const groups = new Map<string, string[]>()
  for (const row of rows) {
    const project = String((row as { project?: string }).project ?? '')
    const ids = groups.get(project) ?? []
    ids.push(row.event_id)
    groups.set(project, ids)
  }
  return groups
}

/**
 * The latest stored ts of each event with one of `ids` that is stored, by identity (any version: no
 * FINAL needed for a max).
 */
async function storedVersions(connection: ClickHouseConnection, ids: string[]): Promise<Map<string, number>> {
  const stored = new Map<string, number>()
  for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
    const found = await connection.rows(
      'SELECT event_id, project, toUnixTimestamp64Milli(max(ts)) AS ts_ms FROM events WHERE event_id IN {ids:Array(String)} GROUP BY event_id, project',
      { ids: ids.slice(start, start + LOOKUP_CHUNK) },
    )
    for (const row of found)
      stored.set(identityOf(row as { event_id: string; project: string }), Number(row.ts_ms))
  }
  return stored
}

/**
 * The stored versions (as FINAL reads them) of the ids a batch replaces, with what the rollups
 * count of them: their contributions are taken back.
 */
async function storedRows(
  connection: ClickHouseConnection,
  identities: ReadonlySet<string>,
): Promise<RollupRow[]> {
  const found: RollupRow[] = []
  const columns = ['toUnixTimestamp64Milli(ts) AS ts_ms', 'event_id', ...ROLLUP_SOURCE_COLUMNS].join(', ')
  const ids = [...new Set([...identities].map((identity) => identity.slice(identity.indexOf('\u0000') + 1)))]
  for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
    const page = await connection.rows(
      `SELECT ${columns} FROM events FINAL WHERE event_id IN {ids:Array(String)}`,
      {
        ids: ids.slice(start, start + LOOKUP_CHUNK),
      },
    )
    // Only the versions being replaced: not another project's event of the same id.
    for (const { ts_ms, ...row } of page)
      if (identities.has(identityOf(row as { event_id: string; project: string })))
        found.push({ ...row, ts: Number(ts_ms) } as unknown as RollupRow)
  }
  return found
}

/** Inserts the cells' partial rows (one insert per table: its + and − rows fold in one part). */
async function insertContributions(
  connection: ClickHouseConnection,
  added: readonly RollupRow[],
  removed: readonly RollupRow[],
): Promise<void> {
  for (const table of ROLLUP_TABLES) {
    const cells = [...rollupContributions(table, removed, -1), ...rollupContributions(table, added, 1)]
    if (cells.length === 0) continue
    await connection.insert(
      table.name,
      cells.map((cell) => ({ ...cell, hour: clickhouseTime(cell.hour as number) })),
    )
  }
}
