import type { ClickHouseClient } from '@clickhouse/client'
import { modelFamily } from 'spendlens/internal'
import { ROLLUP_TABLES, rollupColumnNames } from '../../query/rollup-tables.js'

/** A provider and model as one string, unambiguous: the provider's length in bytes goes first. */
const PAIR_SQL = "concat(toString(length(provider)), ':', provider, model)"
const pairKey = (provider: string, model: string) => `${Buffer.byteLength(provider)}:${provider}${model}`

/**
 * Gives rows stored before the events had a `model_family` (schema version 13 added it as '') their
 * family, in the rollups kept by it and in the events. Run at every open (after the migrations, or
 * after a DBA applied `spendlens clickhouse-ddl`): nothing to do once filled.
 *
 * The family is a key of the rollups' SummingMergeTree, which a mutation may not change: each
 * cell without one gets, in one insert, its sums taken back and added again under its family
 * (rollup rows are partial sums, and merges drop the cells that come to zero; reads skip them).
 * The rollups go first: a run cut short between the two finds the events still without a family,
 * and the rollups' cells without one summing to zero, and finishes. The events get theirs by a
 * mutation, waited for.
 */
export async function fillModelFamilies(
  client: ClickHouseClient,
  db: string,
  /** The table that holds the events on this node, with its ON CLUSTER clause on a cluster. */
  localEvents: string,
): Promise<void> {
  const result = await client.query({
    query: `SELECT DISTINCT provider, model FROM ${db}.events WHERE model_family = ''`,
    format: 'JSONEachRow',
  })
  const pairs = await result.json<{ provider: string; model: string }>()
  if (pairs.length === 0) return
  const query_params = {
    pairs: pairs.map((pair) => pairKey(pair.provider, pair.model)),
    families: pairs.map((pair) => modelFamily(pair.provider, pair.model)),
  }
  const family = `transform(${PAIR_SQL}, {pairs:Array(String)}, {families:Array(String)}, model)`
  for (const table of ROLLUP_TABLES) {
    const columns = rollupColumnNames(table)
    const sums = new Set(table.sums.map(([column]) => column))
    const keys = columns.filter((column) => !sums.has(column))
    const relabelled = columns.map((column) =>
      column === 'model_family'
        ? `if(sign = 1, ${family}, '') AS model_family`
        : sums.has(column)
          ? `sign * ${column} AS ${column}`
          : column,
    )
    const cells = `SELECT ${keys.join(', ')}, ${[...sums].map((column) => `sum(${column}) AS ${column}`).join(', ')} FROM ${db}.${table.name} WHERE model_family = '' GROUP BY ${keys.join(', ')} HAVING sum(requests) <> 0`
    await client.command({
      query: `INSERT INTO ${db}.${table.name} (${columns.join(', ')}) SELECT ${relabelled.join(', ')} FROM (${cells}) ARRAY JOIN [-1, 1] AS sign`,
      query_params,
      clickhouse_settings: { prefer_column_name_to_alias: 1 },
    })
  }
  await client.command({
    query: `ALTER TABLE ${db}.${localEvents} UPDATE model_family = ${family} WHERE model_family = ''`,
    query_params,
    clickhouse_settings: { mutations_sync: '2' },
  })
}
