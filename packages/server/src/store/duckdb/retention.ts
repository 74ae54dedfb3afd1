import type { DuckDBConnection } from '@duckdb/node-api'
import { ROLLUP_TABLES } from '../../query/rollup-tables.js'
import type { RollupHours } from './rollup-hours.js'
import { contributionSql } from './rollup-writer.js'
import { inTransaction } from './transactions.js'

const HOUR_MS = 3_600_000

/**
 * Deletes the events that started before `cutoff`, in one transaction with the rollups: whole
 * hours before the cutoff leave the rollup with their events; the hour the cutoff falls in loses
 * the contribution of its deleted part. Answers how many events went. Runs with no append in flight.
 */
export async function deleteBefore(
  writer: DuckDBConnection,
  hours: RollupHours,
  cutoff: Date,
): Promise<number> {
  const cutoffMs = cutoff.getTime()
  const hourStart = Math.floor(cutoffMs / HOUR_MS) * HOUR_MS
  let deleted = 0
  await inTransaction(writer, async () => {
    // The times are numbers computed here, never input: inlined.
    const partial = `SELECT * FROM events WHERE ts >= make_timestamptz(${hourStart * 1000}) AND ts < make_timestamptz(${cutoffMs * 1000})`
    for (const table of ROLLUP_TABLES) {
      if (hourStart < cutoffMs) await writer.run(contributionSql(table, partial, -1))
      await writer.run(`DELETE FROM ${table.name} WHERE hour < make_timestamptz(${hourStart * 1000})`)
    }
    const reader = await writer.runAndReadAll(
      `DELETE FROM events WHERE ts < make_timestamptz(${cutoffMs * 1000})`,
    )
    deleted = Number(reader.getRows()[0]?.[0] ?? 0)
  })
  if (hourStart < cutoffMs) hours.touch(hourStart)
  return deleted
}
