import { contributionSql, ROLLUP_TABLES } from '../../query/rollup-tables.js'
import type { ClickHouseConnection } from './clickhouse-connection.js'
import { type ClickHouseTarget, localRollupTable } from './migrations.js'

const HOUR_MS = 3_600_000

/**
 * Deletes the events that started before `cutoff`: whole hours before the cutoff leave the rollups
 * with their events; the hour the cutoff falls in loses the contribution of its deleted part. Not
 * atomic (docs/deploy-clickhouse.md). Answers how many events went.
 */
export async function deleteBefore(
  connection: ClickHouseConnection,
  target: ClickHouseTarget,
  deleteFrom: string,
  cutoff: Date,
): Promise<number> {
  const onCluster = target.cluster ? ` ON CLUSTER ${target.cluster}` : ''
  const cutoffMs = cutoff.getTime()
  const hourStart = Math.floor(cutoffMs / HOUR_MS) * HOUR_MS
  const params = { cutoff: cutoffMs }
  const [counted] = await connection.rows(
    'SELECT count() AS events FROM events FINAL WHERE ts < fromUnixTimestamp64Milli({cutoff:Int64})',
    params,
  )
  // The times are numbers computed here, never input: inlined.
  const partial = `SELECT * FROM events FINAL WHERE ts >= fromUnixTimestamp64Milli(toInt64(${hourStart})) AND ts < fromUnixTimestamp64Milli(toInt64(${cutoffMs}))`
  for (const table of ROLLUP_TABLES) {
    if (hourStart < cutoffMs)
      await connection.command(contributionSql('clickhouse', table, partial, -1), undefined, {
        async_insert: 0,
      })
    await connection.command(
      `DELETE FROM ${localRollupTable(target, table)}${onCluster} WHERE hour < fromUnixTimestamp64Milli(toInt64(${hourStart}), 'UTC')`,
    )
  }
  // Lightweight DELETE: rows vanish from reads at once, and from disk at the next merges.
  await connection.command(
    `DELETE FROM ${deleteFrom} WHERE ts < fromUnixTimestamp64Milli({cutoff:Int64})`,
    params,
  )
  return Number(counted?.events ?? 0)
}
