import type { BudgetAction, BudgetDefinition, BudgetPeriod, Filter } from '../api/api-types.js'
import { asNumber, asText, recordColumn, recordTable } from './record-table.js'

/**
 * A budget defined through the API (budgets/), one record per project and id. Deleting one keeps
 * its record with `deletedAt` set, as revoking a key does: the record tables only ever write whole
 * records, on both engines.
 */
export interface BudgetRecord {
  project: string
  id: string
  name: string
  filters: Filter[]
  period: BudgetPeriod
  timeZone: string
  /** The amount in nano-dollars, as every stored cost. */
  amountNanos: number
  thresholds: number[]
  action: BudgetAction
  channels: string[]
  /** Epoch ms, and who: `key <id>`, `user <name>` or `open`. */
  changedAt: number
  changedBy: string
  /** Epoch ms when deleted; null while it holds. */
  deletedAt: number | null
}

/** The record's key: project names have no `/`, so `<project>/<id>` names one budget of one project. */
export const budgetKey = (project: string, id: string) => `${project}/${id}`

/** Lists are kept as JSON text (record tables hold text and whole numbers). */
export const BUDGETS_TABLE = recordTable<BudgetRecord>(
  'spendlens_budgets',
  'key',
  [
    recordColumn.text('key', (budget) => budgetKey(budget.project, budget.id)),
    recordColumn.text('project', (budget) => budget.project, 'low'),
    recordColumn.text('id', (budget) => budget.id),
    recordColumn.text('name', (budget) => budget.name),
    recordColumn.text('filters', (budget) => JSON.stringify(budget.filters)),
    recordColumn.text('period', (budget) => budget.period, 'low'),
    recordColumn.text('time_zone', (budget) => budget.timeZone, 'low'),
    recordColumn.time('amount_nanos', (budget) => budget.amountNanos, false),
    recordColumn.text('thresholds', (budget) => JSON.stringify(budget.thresholds)),
    recordColumn.text('action', (budget) => budget.action, 'low'),
    recordColumn.text('channels', (budget) => JSON.stringify(budget.channels)),
    recordColumn.time('changed_at', (budget) => budget.changedAt, false),
    recordColumn.text('changed_by', (budget) => budget.changedBy),
    recordColumn.time('deleted_at', (budget) => budget.deletedAt),
  ],
  (row) => ({
    project: asText(row.project),
    id: asText(row.id),
    name: asText(row.name),
    filters: parseList(row.filters) as Filter[],
    period: asText(row.period) as BudgetPeriod,
    timeZone: asText(row.time_zone),
    amountNanos: asNumber(row.amount_nanos) ?? 0,
    thresholds: (parseList(row.thresholds) as unknown[]).map(Number),
    action: asText(row.action) as BudgetAction,
    channels: (parseList(row.channels) as unknown[]).map(String),
    changedAt: asNumber(row.changed_at) ?? 0,
    changedBy: asText(row.changed_by),
    deletedAt: asNumber(row.deleted_at),
  }),
)

function parseList(value: unknown): unknown[] {
  try {
    const list: unknown = JSON.parse(asText(value))
    return Array.isArray(list) ? list : []
  } catch {
    return []
  }
}

/** The definition a record holds, in the API's terms (dollars). */
export function definitionOf(record: BudgetRecord): BudgetDefinition {
  return {
    name: record.name,
    filters: record.filters,
    period: record.period,
    timeZone: record.timeZone,
    amountUsd: record.amountNanos / 1e9,
    thresholds: record.thresholds,
    action: record.action,
    channels: record.channels,
  }
}
