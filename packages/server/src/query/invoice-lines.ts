import type { StoredInvoiceLine } from '../schema/invoice-table.js'
import { INVOICE_TABLE } from '../schema/invoice-table.js'
import type { EngineName } from '../schema/table.js'
import { columnsAt } from '../schema/table.js'
import { DIALECTS } from './dialect.js'
import type { Execute } from './run-query.js'

/** Which invoice lines to read: one project's (every project's when absent), buckets starting in [from, to). */
export interface InvoiceLinesRequest {
  project?: string
  /** Epoch milliseconds. */
  from?: number
  to?: number
}

/** The condition that picks an invoice range's lines, the same SQL on both engines. */
export function invoiceRangeCondition(
  engine: EngineName,
  request: InvoiceLinesRequest & { provider?: string; source?: string },
) {
  const dialect = DIALECTS[engine]
  const conditions: string[] = []
  const params: Record<string, string | number> = {}
  const types: Record<string, 'String' | 'Int64'> = {}
  const bind = (column: string, operator: string, name: string, value: string | number | undefined) => {
    if (value === undefined) return
    const type = typeof value === 'number' ? 'Int64' : 'String'
    conditions.push(`${column} ${operator} ${dialect.placeholder(name, type)}`)
    params[name] = value
    types[name] = type
  }
  bind('project', '=', 'project', request.project)
  bind('provider', '=', 'provider', request.provider)
  bind('source', '=', 'source', request.source)
  bind('bucket_start', '>=', 'from', request.from)
  bind('bucket_start', '<', 'to', request.to)
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params, types }
}

/** Invoice lines in bucket order, read the same way on both engines. */
export async function readInvoiceLines(
  engine: EngineName,
  execute: Execute,
  request: InvoiceLinesRequest,
): Promise<StoredInvoiceLine[]> {
  const columns = columnsAt(INVOICE_TABLE, engine)
  const { where, params, types } = invoiceRangeCondition(engine, request)
  const rows = await execute({
    sql: `SELECT ${columns.map((column) => column.name).join(', ')} FROM ${INVOICE_TABLE.name} ${where} ORDER BY project, bucket_start, provider, source${DIALECTS[engine].settings}`,
    params,
    types,
  })
  return rows.map((row) => {
    const line: Record<string, unknown> = {}
    for (const column of columns) {
      const value = row[column.name]
      line[column.name] =
        value === undefined || value === null
          ? null
          : typeof value === 'bigint' || (column.type === 'int64' && typeof value === 'string')
            ? Number(value)
            : column.type === 'boolean'
              ? Boolean(value)
              : value
    }
    return line as unknown as StoredInvoiceLine
  })
}
