import { ROLLUP_TABLES } from '../../query/rollup-tables.js'
import { checkDroppable, PROJECT_DATA_TABLES } from '../project-tables.js'
import type { ClickHouseConnection } from './clickhouse-connection.js'
import { type ClickHouseTarget, localRollupTable } from './migrations.js'

/**
 * Deletes a project's events, rollup rows and other data (project-tables.ts) with lightweight
 * DELETEs: gone from reads at once, from disk at the next merges. Not atomic: a failure part way
 * leaves the rest, and running it again finishes it. Answers how many events went.
 */
export async function dropProject(
  connection: ClickHouseConnection,
  target: ClickHouseTarget,
  deleteFrom: string,
  project: string,
): Promise<number> {
  checkDroppable(project)
  const onCluster = target.cluster ? ` ON CLUSTER ${target.cluster}` : ''
  const params = { project }
  const [counted] = await connection.rows(
    'SELECT count() AS events FROM events FINAL WHERE project = {project:String}',
    params,
  )
  const tables = [...ROLLUP_TABLES.map((table) => localRollupTable(target, table)), ...PROJECT_DATA_TABLES]
  for (const table of tables)
    await connection.command(`DELETE FROM ${table}${onCluster} WHERE project = {project:String}`, params)
  await connection.command(`DELETE FROM ${deleteFrom} WHERE project = {project:String}`, params)
  return Number(counted?.events ?? 0)
}
