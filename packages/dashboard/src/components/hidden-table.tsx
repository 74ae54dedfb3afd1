export interface HiddenTableProps {
  id?: string
  caption: string
  columns: readonly string[]
  /** One row per bar or point; the first cell names the row. */
  rows: readonly (readonly string[])[]
  testId?: string
}

/**
 * A chart's figures as a table, visually hidden: screen readers cannot read a canvas, and the
 * table lets them walk the same figures the chart draws.
 */
export function HiddenTable({ id, caption, columns, rows, testId }: HiddenTableProps) {
  return (
    // The wrapper hides it: a table box itself ignores the 1px size and overflow clipping, so it would
    // still stretch the page.
    <div className="visually-hidden">
      <table id={id} data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([name = '', ...values], index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional (a time axis may repeat a label)
            <tr key={index}>
              <th scope="row">{name}</th>
              {values.map((value, position) => (
                <td key={columns[position + 1] ?? position}>{value}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
