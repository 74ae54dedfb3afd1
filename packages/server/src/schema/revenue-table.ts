import { asNumber, asText, recordColumn, recordTable } from './record-table.js'

/**
 * What a customer pays (docs/decisions.md "Unit economics"), one record per project, customer and
 * month: a month's own amount (`month` = `YYYY-MM`), or the standing amount of every month without
 * one (`month` = ''). Record tables have no delete, so a removed entry is kept with no amount.
 */
export interface RevenueRecord {
  /** `<project>/<month or *>/<customer_id>`: neither a project nor a month holds a `/`. */
  id: string
  project: string
  customerId: string
  month: string
  plan: string
  /** Dollars a month as integer nano-dollars; null once removed. */
  revenueNanos: number | null
  updatedAt: number
}

export const revenueId = (project: string, customerId: string, month: string) =>
  `${project}/${month || '*'}/${customerId}`

export const REVENUE_TABLE = recordTable<RevenueRecord>(
  'spendlens_revenue',
  'id',
  [
    recordColumn.text('id', (record) => record.id),
    recordColumn.text('project', (record) => record.project, 'low'),
    recordColumn.text('customer_id', (record) => record.customerId),
    recordColumn.text('month', (record) => record.month, 'low'),
    recordColumn.text('plan', (record) => record.plan, 'low'),
    recordColumn.time('revenue_nanos', (record) => record.revenueNanos),
    recordColumn.time('changed_at', (record) => record.updatedAt, false),
  ],
  (row) => ({
    id: asText(row.id),
    project: asText(row.project),
    customerId: asText(row.customer_id),
    month: asText(row.month),
    plan: asText(row.plan),
    revenueNanos: asNumber(row.revenue_nanos),
    updatedAt: asNumber(row.changed_at) ?? 0,
  }),
)
