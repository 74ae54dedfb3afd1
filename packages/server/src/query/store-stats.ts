import { storedProject } from '../schema/projects.js'
import { DIALECTS, type EngineName } from './dialect.js'
import type { Execute } from './run-query.js'

/** How many events a store holds, and the first and last call time (ISO), for GET /api/meta. */
export interface StoreStats {
  events: number
  first_ts: string | null
  last_ts: string | null
}

/** The store's stats, on either engine: of one project, or of every project when none is given. */
export async function runStoreStats(
  engine: EngineName,
  execute: Execute,
  project?: string,
): Promise<StoreStats> {
  const dialect = DIALECTS[engine]
  const where = project === undefined ? '' : ` WHERE project = ${dialect.placeholder('project', 'String')}`
  const edge = (aggregate: 'min' | 'max') => dialect.nullWhenEmpty(dialect.epochMs(`${aggregate}(ts)`))
  const [row] = await execute({
    sql: `SELECT ${dialect.count} AS events, ${edge('min')} AS first_ms, ${edge('max')} AS last_ms FROM ${dialect.table}${where}`,
    params: project === undefined ? {} : { project: storedProject(project) },
    types: project === undefined ? {} : { project: 'String' },
  })
  const toIso = (value: unknown) =>
    value === null || value === undefined ? null : new Date(Number(value)).toISOString()
  return { events: Number(row?.events ?? 0), first_ts: toIso(row?.first_ms), last_ts: toIso(row?.last_ms) }
}
