// The columns of the Invoice view's tables: a reconciliation row's figures (invoiced, tracked,
// coverage and the parts of the gap) read the same in every cut, and the invoice's line items.

import type { InvoiceLineItem, ReconcileFigures } from '@spendlens/server/api-types'
import type { Column } from '../../components/data-table'
import { formatCoverage, formatShare, formatUsd } from '../../lib/format'
import { GAP_PART_LIST, gapPartUsd } from '../../lib/gap-parts'

const usd = (value: unknown) => formatUsd(typeof value === 'number' ? value : null)
const exact = (value: number) => `$${value}`

function moneyColumn<Row extends ReconcileFigures>(
  key: string,
  label: string,
  read: (row: Row) => number,
): Column<Row> {
  return {
    key,
    label,
    numeric: true,
    value: read,
    format: usd,
    title: (row) => exact(read(row)),
  }
}

/** Invoiced, tracked, coverage and each part of the gap. */
export function figureColumns<Row extends ReconcileFigures>(): Column<Row>[] {
  return [
    moneyColumn<Row>('invoiced_usd', 'Invoiced', (row) => row.invoiced_usd),
    moneyColumn<Row>('tracked_usd', 'Tracked', (row) => row.tracked_usd),
    {
      key: 'coverage',
      label: 'Coverage',
      numeric: true,
      value: (row) => row.coverage,
      format: (value) => (typeof value === 'number' ? formatCoverage(value) : 'nothing invoiced'),
    },
    ...GAP_PART_LIST.map(({ part, label }) =>
      moneyColumn<Row>(`${part}_usd`, label, (row) => gapPartUsd(row, part)),
    ),
  ]
}

/** A key of the row (a provider, a model, a project) that may be missing: said, never left blank. */
export function keyColumn<Row>(
  key: string,
  label: string,
  read: (row: Row) => string | null | undefined,
  missing: string,
): Column<Row> {
  return {
    key,
    label,
    value: (row) => read(row) ?? null,
    format: (value) => (typeof value === 'string' ? value : missing),
  }
}

/** The invoice's line items as the provider names them, with their share of the invoice. */
export function lineItemColumns(invoiced: number): Column<InvoiceLineItem>[] {
  return [
    keyColumn<InvoiceLineItem>('line_item', 'Line item', (row) => row.line_item, 'not itemized'),
    keyColumn<InvoiceLineItem>('provider', 'Provider', (row) => row.provider, '—'),
    keyColumn<InvoiceLineItem>('model', 'Model', (row) => row.model, 'no model'),
    keyColumn<InvoiceLineItem>('project', 'Project', (row) => row.project, 'none given'),
    {
      key: 'invoiced_usd',
      label: 'Invoiced',
      numeric: true,
      value: (row) => row.invoiced_usd,
      format: usd,
      title: (row) => exact(row.invoiced_usd),
    },
    {
      key: 'share',
      label: 'Share of invoice',
      numeric: true,
      value: (row) => (invoiced ? row.invoiced_usd / invoiced : null),
      format: (value) => (typeof value === 'number' ? formatShare(value, 1) : '—'),
    },
  ]
}
