import type { DuckDBConnection } from '@duckdb/node-api'
import { invoiceRangeCondition } from '../../query/invoice-lines.js'
import { INVOICE_TABLE, type InvoiceLine, type InvoiceRange } from '../../schema/invoice-table.js'
import { columnsAt } from '../../schema/table.js'
import { inTransaction } from './transactions.js'

/** Rows per INSERT statement (each row binds every column). */
const ROWS_PER_INSERT = 200

/** Replaces the lines of `range` with `lines`, in one transaction: never half of a range. */
export async function replaceInvoiceLines(
  writer: DuckDBConnection,
  range: InvoiceRange,
  lines: readonly InvoiceLine[],
): Promise<void> {
  const columns = columnsAt(INVOICE_TABLE, 'duckdb')
  const { where, params } = invoiceRangeCondition('duckdb', range)
  const row = `(${columns.map(() => '?').join(', ')})`
  await inTransaction(writer, async () => {
    await writer.run(`DELETE FROM ${INVOICE_TABLE.name} ${where}`, params)
    for (let start = 0; start < lines.length; start += ROWS_PER_INSERT) {
      const chunk = lines.slice(start, start + ROWS_PER_INSERT)
      const values = chunk.flatMap((line) =>
        columns.map(
          (column) => column.read({ ...line, project: range.project }) as string | number | boolean | null,
        ),
      )
      await writer.run(
        `INSERT INTO ${INVOICE_TABLE.name} (${columns.map((column) => column.name).join(', ')}) VALUES ${chunk.map(() => row).join(', ')}`,
        values,
      )
    }
  })
}
