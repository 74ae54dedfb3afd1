export interface DataTableProps {
  caption: string
  columns: readonly string[]
  /** One row per bar; the first cell names the row and must be unique. */
  rows: readonly (readonly string[])[]
  testId?: string
}

/**
 * A chart's numbers as a table, visually hidden: screen readers cannot read a canvas, and the
 * table lets them walk the same figures the bars show.
 */
export function DataTable({ caption, columns, rows, testId }: DataTableProps) {
  return (
    // The wrapper hides it: a table box itself ignores the 1px size and overflow clipping, so it would
    // still stretch the page.
    <div className="visually-hidden">
      <table data-testid={testId}>
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
          {rows.map(([name = '', ...values]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              {values.map((value, index) => (
                <td key={columns[index + 1] ?? index}>{value}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
