import { type ReactNode, type RefObject, useEffect, useMemo, useRef, useState } from 'react'
import { isPlainClick } from '../hooks/use-view-state'
import { csvFileName, downloadCsv, toCsv } from '../lib/csv'

export type CellValue = string | number | boolean | null | undefined

export interface Column<Row> {
  /** Stable id (sorting, React keys). */
  key: string
  /** Header text; also the CSV header. */
  label: string
  /** The raw value: what the CSV holds, what sorting uses, `data-value` of the cell. */
  value: (row: Row) => CellValue
  /** The cell's text (default: the value as is). */
  format?: (value: CellValue, row: Row) => string
  numeric?: boolean
  /** Extra class of a cell (latency colour bands). */
  cellClass?: (row: Row) => string | undefined
  /** Hover text of a cell (full precision). */
  title?: (row: Row) => string | undefined
}

export interface DataTableProps<Row> {
  /** Caption, and the CSV file's name. */
  title: string
  columns: readonly Column<Row>[]
  rows: readonly Row[]
  rowKey: (row: Row) => string
  testId: string
  /** Makes the first cell a button: a drill-down or a page. */
  onRowClick?: (row: Row) => void
  /**
   * With `onRowClick`: makes the first cell a link to another view instead (`viewHref`), so it can
   * be opened in a new tab; a plain click still calls `onRowClick`.
   */
  rowHref?: (row: Row) => string
  /** Accessible name of that button, e.g. "Filter by feature chat". */
  rowActionLabel?: (row: Row) => string
  /** Controls after a row's cells (acknowledge, mute), in a last column the CSV leaves out. */
  rowActions?: (row: Row) => ReactNode
  /** That column's header (default "Actions"). */
  rowActionsLabel?: string
  /** Rows that cannot be clicked ("Others"). */
  isRowClickable?: (row: Row) => boolean
  /** Rows kept at the bottom whatever the sort ("Others"). */
  pinLast?: (row: Row) => boolean
  /** A totals row under the others: not sorted, in the CSV. */
  footer?: Row
  defaultSort?: { key: string; direction: 'asc' | 'desc' }
  /** Shown under the table. */
  note?: ReactNode
  /** Shown above the table, left of the download button. */
  toolbar?: ReactNode
  caption?: ReactNode
  /** Rows shown before "Show all" (default {@link ROWS_SHOWN}); rows kept last are always shown. */
  rowsShown?: number
}

/**
 * Rows a table shows at first: the page scrolls, never a box inside it, and past this many a line
 * under the table says how many there are and shows them all.
 */
export const ROWS_SHOWN = 50

function compare(left: CellValue, right: CellValue): number {
  // Unknown values sort last in either direction.
  if (left === null || left === undefined || left === '')
    return right === null || right === undefined || right === '' ? 0 : 1
  if (right === null || right === undefined || right === '') return -1
  if (typeof left === 'number' && typeof right === 'number') return left - right
  return String(left).localeCompare(String(right))
}

/**
 * A visible table whose CSV download is the table itself: same columns, same rows, same order,
 * with the raw values behind the formatted cells. Columns sort on click (Unknown values last);
 * each cell carries its raw value in `data-value`.
 */
export function DataTable<Row>(props: DataTableProps<Row>) {
  const { columns, rows, rowKey, testId, onRowClick, footer, rowActions } = props
  const [sort, setSort] = useState(props.defaultSort)

  const { pinLast } = props
  const sorted = useMemo(() => {
    const column = sort ? columns.find((entry) => entry.key === sort.key) : undefined
    const pinned = pinLast ? rows.filter(pinLast) : []
    const free = pinLast ? rows.filter((row) => !pinLast(row)) : rows
    if (!sort || !column) return [...free, ...pinned]
    const sign = sort.direction === 'asc' ? 1 : -1
    const ordered = [...free].sort((left, right) => {
      const a = column.value(left)
      const b = column.value(right)
      const empty = (value: CellValue) => value === null || value === undefined || value === ''
      if (empty(a) || empty(b)) return compare(a, b)
      return sign * compare(a, b)
    })
    return [...ordered, ...pinned]
  }, [rows, columns, sort, pinLast])

  const allRows = footer ? [...sorted, footer] : sorted
  const limit = props.rowsShown ?? ROWS_SHOWN
  const [expanded, setExpanded] = useState(false)
  const free = pinLast ? sorted.filter((row) => !pinLast(row)) : sorted
  const hidden = expanded ? 0 : Math.max(0, free.length - limit)
  const shown = hidden > 0 ? [...free.slice(0, limit), ...sorted.filter((row) => pinLast?.(row))] : sorted
  const scroller = useRef<HTMLDivElement>(null)
  const overflowing = useOverflow(scroller)

  const download = () => {
    const text = toCsv(
      columns.map((column) => column.label),
      allRows.map((row) => columns.map((column) => column.value(row))),
    )
    downloadCsv(csvFileName(props.title), text)
  }

  const cells = (row: Row, isFooter: boolean) =>
    columns.map((column, index) => {
      const raw = column.value(row)
      const text = column.format
        ? column.format(raw, row)
        : raw === null || raw === undefined
          ? '—'
          : String(raw)
      const className = [column.numeric ? 'numeric' : '', column.cellClass?.(row) ?? '']
        .filter(Boolean)
        .join(' ')
      const dataValue = raw === null || raw === undefined ? '' : String(raw)
      if (index === 0) {
        const clickable = !isFooter && onRowClick && (props.isRowClickable?.(row) ?? true)
        return (
          <th key={column.key} scope="row" className={className || undefined} data-value={dataValue}>
            {clickable && props.rowHref ? (
              <a
                className="link-button"
                href={props.rowHref(row)}
                onClick={(event) => {
                  if (!isPlainClick(event)) return
                  event.preventDefault()
                  onRowClick(row)
                }}
                aria-label={props.rowActionLabel?.(row)}
                title={props.rowActionLabel?.(row)}
              >
                {text}
              </a>
            ) : clickable ? (
              <button
                type="button"
                className="link-button"
                onClick={() => onRowClick(row)}
                aria-label={props.rowActionLabel?.(row)}
                title={props.rowActionLabel?.(row)}
              >
                {text}
              </button>
            ) : (
              text
            )}
          </th>
        )
      }
      return (
        <td
          key={column.key}
          className={className || undefined}
          data-value={dataValue}
          title={column.title?.(row)}
        >
          {text}
        </td>
      )
    })

  return (
    <div
      className={overflowing ? 'data-table is-overflowing' : 'data-table'}
      data-testid={testId}
      data-row-count={sorted.length}
    >
      <div className="table-toolbar">
        <div className="muted table-caption">{props.caption}</div>
        {props.toolbar}
        <button
          type="button"
          className="button button-small"
          onClick={download}
          data-testid={`${testId}-csv`}
        >
          Download CSV
        </button>
      </div>
      {overflowing ? (
        <p className="scroll-cue muted" data-testid={`${testId}-scroll-cue`}>
          Wider than the panel: scroll sideways for every column <span aria-hidden="true">→</span>
        </p>
      ) : null}
      <div className="table-scroll" ref={scroller}>
        <table>
          <caption className="visually-hidden">{props.title}</caption>
          <thead>
            <tr>
              {columns.map((column) => {
                const active = sort?.key === column.key
                const direction = active ? sort?.direction : undefined
                return (
                  <th
                    key={column.key}
                    scope="col"
                    className={column.numeric ? 'numeric' : undefined}
                    aria-sort={
                      direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : undefined
                    }
                  >
                    <button
                      type="button"
                      className="sort-button"
                      onClick={() =>
                        setSort({
                          key: column.key,
                          direction: active && direction === 'desc' ? 'asc' : column.numeric ? 'desc' : 'asc',
                        })
                      }
                    >
                      {column.label}
                      <span aria-hidden="true" className="sort-mark">
                        {direction === 'asc' ? '▲' : direction === 'desc' ? '▼' : ''}
                      </span>
                    </button>
                  </th>
                )
              })}
              {rowActions ? (
                <th scope="col" className="row-actions">
                  {props.rowActionsLabel ?? 'Actions'}
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={rowKey(row)}>
                {cells(row, false)}
                {rowActions ? <td className="row-actions">{rowActions(row)}</td> : null}
              </tr>
            ))}
          </tbody>
          {footer ? (
            <tfoot>
              <tr>
                {cells(footer, true)}
                {rowActions ? <td /> : null}
              </tr>
            </tfoot>
          ) : null}
        </table>
      </div>
      {hidden > 0 || expanded ? (
        <p className="table-more muted" data-testid={`${testId}-more`}>
          {expanded
            ? `Showing all ${sorted.length.toLocaleString('en-US')} rows. `
            : `Showing ${shown.length.toLocaleString('en-US')} of ${sorted.length.toLocaleString('en-US')} rows. `}
          <button
            type="button"
            className="link-button"
            onClick={() => setExpanded(!expanded)}
            data-testid={`${testId}-show-all`}
          >
            {expanded ? `Show the first ${limit}` : `Show all ${sorted.length.toLocaleString('en-US')}`}
          </button>
        </p>
      ) : null}
      {props.note ? <p className="table-note muted">{props.note}</p> : null}
    </div>
  )
}

/** Whether an element's content is wider than the element (a table wider than its panel). */
function useOverflow(ref: RefObject<HTMLElement | null>): boolean {
  const [overflowing, setOverflowing] = useState(false)
  useEffect(() => {
    const element = ref.current
    if (!element) return
    // The observer's first call measures it, once the page is laid out: measured here, during
    // React's commit, every table forced a layout of its own.
    const measure = () => setOverflowing(element.scrollWidth > element.clientWidth + 1)
    const observer = new ResizeObserver(measure)
    observer.observe(element)
    const table = element.firstElementChild
    if (table) observer.observe(table)
    return () => observer.disconnect()
  }, [ref])
  return overflowing
}
