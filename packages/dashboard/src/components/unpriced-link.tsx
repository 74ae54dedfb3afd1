import type { Filter, QueryRow } from '@spendlens/server/api-types'
import type { MouseEvent, ReactNode } from 'react'
import { useDashboard } from '../hooks/dashboard-context'
import { isPlainClick, viewHref } from '../hooks/use-view-state'
import { formatInteger } from '../lib/format'

/**
 * A link to the Unpriced models page in the same scope: every mention of calls of unknown price
 * leads there (the models, what is at stake and what to do are explained once, on that page).
 */
export function UnpricedLink({
  children,
  testId,
  filters = [],
}: {
  children: ReactNode
  testId?: string
  /** Filters the mention applies beyond the view's (a customer's page), carried over. */
  filters?: readonly Filter[]
}) {
  const { view, setView } = useDashboard()
  const carried = filters.map((filter) => ({
    dimension: filter.dimension,
    op: filter.op === 'not_in' ? ('not_in' as const) : ('in' as const),
    values: filter.values,
  }))
  const next = {
    ...view,
    view: 'unpriced' as const,
    customer: undefined,
    filters: [...view.filters, ...carried],
  }
  return (
    <a
      href={viewHref(next)}
      data-testid={testId}
      onClick={(event: MouseEvent) => {
        if (!isPlainClick(event)) return
        event.preventDefault()
        setView(next)
      }}
    >
      {children}
    </a>
  )
}

/** The footnote of a table whose rows include calls without a known price (their cost cell marked *). */
export function unpricedNote(rows: readonly QueryRow[]): ReactNode {
  const unpriced = rows.reduce((sum, row) => sum + (row.total ? 0 : (row.unpriced_count ?? 0)), 0)
  if (unpriced === 0) return undefined
  return (
    <span data-testid="unpriced-table-note">
      * includes {formatInteger(unpriced)} {unpriced === 1 ? 'call' : 'calls'} of unknown price, not counted
      as $0: <UnpricedLink>which models</UnpricedLink>
    </span>
  )
}
