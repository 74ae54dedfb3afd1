import type { CostEvent } from 'spendlens'
import type { RollupRow } from '../../query/rollup-tables.js'
import { eventColumns } from '../../schema/events-table.js'
import { DEFAULT_PROJECT, storedProject } from '../../schema/projects.js'

/**
 * Events as the ClickHouse store inserts them: one object per event with the events table's
 * ClickHouse columns (schema/events-table.ts), `ts` in epoch milliseconds (written as DateTime64
 * text at insert) and tags as a map. Built by the ingest path on a worker thread or in-thread,
 * like DuckDB's columns.
 */
export interface EventRows {
  format: 'rows'
  rows: number
  eventIds: string[]
  records: RollupRow[]
}

const COLUMNS = eventColumns('clickhouse')

export function encodeRows(events: readonly CostEvent[], project = DEFAULT_PROJECT): EventRows {
  const records = new Array<RollupRow>(events.length)
  // A batch is one project's; the catalog's read gives the default project's (events-table.ts).
  const stored = project === DEFAULT_PROJECT ? undefined : storedProject(project)
  for (let index = 0; index < events.length; index++) {
    const event = events[index] as CostEvent
    const record: Record<string, unknown> = {}
    for (const column of COLUMNS) record[column.name] = column.read(event)
    if (stored !== undefined) record.project = stored
    records[index] = record as RollupRow
  }
  return { format: 'rows', rows: events.length, eventIds: events.map((event) => event.event_id), records }
}

/** Several batches as one, in order. */
export function concatRows(parts: readonly EventRows[]): EventRows {
  if (parts.length === 1) return parts[0] as EventRows
  return {
    format: 'rows',
    rows: parts.reduce((sum, part) => sum + part.rows, 0),
    eventIds: parts.flatMap((part) => part.eventIds),
    records: parts.flatMap((part) => part.records),
  }
}
