import type { ClickHouseClient } from '@clickhouse/client'
import { invoiceRangeCondition } from '../../query/invoice-lines.js'
import { INVOICE_TABLE, type InvoiceLine, type InvoiceRange } from '../../schema/invoice-table.js'
import { columnsAt } from '../../schema/table.js'

/**
 * Replaces the lines of `range` with `lines`: a lightweight DELETE (gone from reads at once), then
 * one insert. Not atomic: a process stopped in between leaves the range empty until the next sync
 * fetches it again (its sync state has not moved past it), never counted twice.
 */
export async function replaceInvoiceLines(
  client: ClickHouseClient,
  range: InvoiceRange,
  lines: readonly InvoiceLine[],
): Promise<void> {
  const { where, params } = invoiceRangeCondition('clickhouse', range)
  // A lightweight DELETE is a mutation (about 100 ms even when it matches nothing): looked up first.
  const found = await client.query({
    query: `SELECT count() AS lines FROM ${INVOICE_TABLE.name} ${where}`,
    query_params: params,
    format: 'JSONEachRow',
  })
  const [{ lines: stored } = { lines: 0 }] = await found.json<{ lines: number | string }>()
  if (Number(stored) > 0)
    await client.command({ query: `DELETE FROM ${INVOICE_TABLE.name} ${where}`, query_params: params })
  if (lines.length === 0) return
  const columns = columnsAt(INVOICE_TABLE, 'clickhouse')
  await client.insert({
    table: INVOICE_TABLE.name,
    values: lines.map((line) =>
      Object.fromEntries(
        columns.map((column) => [column.name, column.read({ ...line, project: range.project })]),
      ),
    ),
    format: 'JSONEachRow',
    clickhouse_settings: { async_insert: 0 },
  })
}
