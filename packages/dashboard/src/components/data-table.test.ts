import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { formatUsd } from '../lib/format'
import { type Column, DataTable } from './data-table'

interface Row {
  name: string
  cost: number | null
  others?: boolean
}

const columns: Column<Row>[] = [
  { key: 'name', label: 'Feature', value: (row) => row.name },
  {
    key: 'cost',
    label: 'Cost',
    numeric: true,
    value: (row) => row.cost,
    format: (value) => formatUsd(value as number | null),
  },
]

function render(rows: Row[], extra: object = {}): string {
  return renderToStaticMarkup(
    createElement(DataTable<Row>, {
      title: 'Cost by feature',
      columns,
      rows,
      rowKey: (row) => row.name,
      testId: 'table',
      ...extra,
    }),
  )
}

describe('DataTable', () => {
  it('shows formatted cells and keeps the raw value beside them', () => {
    const html = render([{ name: 'chat', cost: 0.00013 }])
    expect(html).toContain('data-value="0.00013"')
    expect(html).toContain('$0.00013')
  })

  it('keeps an unknown value empty in data-value and a dash on screen', () => {
    const html = render([{ name: 'legal', cost: null }])
    expect(html).toContain('data-value=""')
    expect(html).toContain('—')
  })

  it('sorts by a column and keeps pinned rows (Others) last', () => {
    const html = render(
      [
        { name: 'Others', cost: 9, others: true },
        { name: 'cheap', cost: 1 },
        { name: 'dear', cost: 5 },
      ],
      { defaultSort: { key: 'cost', direction: 'desc' }, pinLast: (row: Row) => row.others === true },
    )
    const order = [...html.matchAll(/<th scope="row"[^>]*>([^<]+)</g)].map((match) => match[1])
    expect(order).toEqual(['dear', 'cheap', 'Others'])
    expect(html).toContain('aria-sort="descending"')
  })

  it('makes the first cell a named button when rows can be clicked', () => {
    const html = render([{ name: 'chat', cost: 1 }], {
      onRowClick: () => {},
      rowActionLabel: (row: Row) => `Filter by feature ${row.name}`,
    })
    expect(html).toContain('aria-label="Filter by feature chat"')
  })

  it('puts row actions in a last column of their own', () => {
    const html = render([{ name: 'chat', cost: 1 }], {
      rowActions: (row: Row) => createElement('button', { type: 'button' }, `Mute ${row.name}`),
      rowActionsLabel: 'Set state',
    })
    expect(html).toContain('<th scope="col" class="row-actions">Set state</th>')
    expect(html).toContain('<td class="row-actions"><button type="button">Mute chat</button></td>')
  })

  it('offers its CSV download', () => {
    expect(render([])).toContain('data-testid="table-csv"')
  })
})
