import { type Dimension, isTagKey } from '@spendlens/server/api-types'
import { useEffect, useId, useRef, useState } from 'react'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import {
  type DashboardFilter,
  FILTER_DIMENSIONS,
  filtersExcept,
  filterValues,
  toggleFilterValue,
} from '../lib/filters'
import { formatInteger, formatUsd } from '../lib/format'
import { scopeQuery } from '../lib/scope'
import { dimensionLabel } from '../lib/view-state'

/** Values a menu lists: the most used first. */
const VALUE_LIMIT = 100

/** A filter menu per dimension (values with their request counts), and the active filters as chips. */
export function FilterBar() {
  const { view, update } = useDashboard()
  const [expanded, setExpanded] = useState(false)
  const tagDimensions = [...new Set(view.filters.map((filter) => filter.dimension))].filter((dimension) =>
    dimension.startsWith('tags.'),
  )
  const active = view.filters.reduce((sum, filter) => sum + filter.values.length, 0)
  return (
    <section className="filter-bar" aria-label="Filters">
      <button
        type="button"
        className="button filter-toggle"
        aria-expanded={expanded}
        onClick={() => setExpanded((value) => !value)}
      >
        Filters{active ? ` (${active})` : ''}
      </button>
      <div className={expanded ? 'filter-menus is-expanded' : 'filter-menus'}>
        {FILTER_DIMENSIONS.map((dimension) => (
          <FilterMenu key={dimension} dimension={dimension} />
        ))}
        {tagDimensions.map((dimension) => (
          <FilterMenu key={dimension} dimension={dimension} />
        ))}
        <FilterMenu dimension={undefined} />
      </div>
      {view.filters.length > 0 ? (
        <ul className="filter-chips" aria-label="Active filters" data-testid="active-filters">
          {view.filters.flatMap((filter) =>
            filter.values.map((value) => (
              <li key={`${filter.op}:${filter.dimension}:${value}`}>
                <FilterChip
                  filter={filter}
                  value={value}
                  onRemove={() =>
                    update({ filters: toggleFilterValue(view.filters, filter.dimension, value, filter.op) })
                  }
                />
              </li>
            )),
          )}
          <li>
            <button type="button" className="link-button" onClick={() => update({ filters: [] })}>
              Clear all
            </button>
          </li>
        </ul>
      ) : null}
    </section>
  )
}

function FilterChip({
  filter,
  value,
  onRemove,
}: {
  filter: DashboardFilter
  value: string
  onRemove: () => void
}) {
  const text = `${dimensionLabel(filter.dimension)} ${filter.op === 'not_in' ? 'is not' : 'is'} ${value}`
  return (
    <span className={filter.op === 'not_in' ? 'chip chip-exclude' : 'chip'} data-testid="filter-chip">
      <span>
        {dimensionLabel(filter.dimension)} <em>{filter.op === 'not_in' ? 'is not' : 'is'}</em>{' '}
        <strong>{value}</strong>
      </span>
      <button type="button" onClick={onRemove} aria-label={`Remove filter: ${text}`} title="Remove filter">
        ×
      </button>
    </span>
  )
}

/** One dimension's menu; `undefined` is the "Tag…" menu, which asks for the key first. */
function FilterMenu({ dimension: fixedDimension }: { dimension: Dimension | undefined }) {
  const { view, update, scope } = useDashboard()
  const [open, setOpen] = useState(false)
  const [op, setOp] = useState<DashboardFilter['op']>('in')
  const [search, setSearch] = useState('')
  const [tagKey, setTagKey] = useState('')
  const rootRef = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const firstFieldRef = useRef<HTMLInputElement>(null)
  const popupId = useId()

  const dimension: Dimension | undefined = fixedDimension ?? (isTagKey(tagKey) ? `tags.${tagKey}` : undefined)
  const label = fixedDimension ? dimensionLabel(fixedDimension) : 'Tag…'
  const selected = dimension ? filterValues(view.filters, dimension, op) : []
  const activeCount = fixedDimension
    ? view.filters
        .filter((filter) => filter.dimension === fixedDimension)
        .reduce((sum, filter) => sum + filter.values.length, 0)
    : 0

  const values = useAnalyticsQuery(
    open && dimension
      ? scopeQuery(
          { ...scope, filters: filtersExcept(scope.filters, dimension) },
          {
            groupBy: [dimension],
            metrics: ['requests', 'cost_usd'],
            orderBy: { metric: 'requests', direction: 'desc' },
            limit: VALUE_LIMIT,
          },
        )
      : undefined,
  )

  useEffect(() => {
    if (!open) return
    firstFieldRef.current?.focus()
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false)
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      setOpen(false)
      buttonRef.current?.focus()
    }
    document.addEventListener('pointerdown', onPointer)
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('pointerdown', onPointer)
      document.removeEventListener('keydown', onKey)
    }
  }, [open])

  const close = () => {
    setOpen(false)
    buttonRef.current?.focus()
  }

  const rows = (values.data ?? []).filter((row) => !row.others)
  const needle = search.trim().toLowerCase()
  const shown = rows.filter((row) =>
    String(row[dimension ?? ''] ?? '')
      .toLowerCase()
      .includes(needle),
  )
  const exact = search.trim()
  const offerTyped = dimension && exact && !rows.some((row) => row[dimension] === exact)

  const toggle = (value: string) => {
    if (!dimension) return
    update({ filters: toggleFilterValue(view.filters, dimension, value, op) })
  }

  return (
    <div className="filter-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={activeCount ? 'filter-button is-active' : 'filter-button'}
        aria-expanded={open}
        aria-controls={open ? popupId : undefined}
        data-testid={`filter-${fixedDimension ?? 'tag'}`}
        onClick={() => setOpen((value) => !value)}
      >
        {label}
        {activeCount ? <span className="filter-count">{activeCount}</span> : null}
        <span aria-hidden="true" className="caret">
          ▾
        </span>
      </button>
      {open ? (
        <div
          className="filter-popup"
          id={popupId}
          role="dialog"
          aria-label={`Filter by ${label.toLowerCase()}`}
        >
          {fixedDimension ? null : (
            <label className="field">
              <span>Tag key</span>
              <input
                ref={firstFieldRef}
                value={tagKey}
                onChange={(event) => setTagKey(event.target.value.trim())}
                placeholder="e.g. plan"
                spellCheck={false}
              />
            </label>
          )}
          <fieldset className="segmented segmented-small" aria-label="Keep or drop">
            <button type="button" aria-pressed={op === 'in'} onClick={() => setOp('in')}>
              is
            </button>
            <button type="button" aria-pressed={op === 'not_in'} onClick={() => setOp('not_in')}>
              is not
            </button>
          </fieldset>
          {dimension ? (
            <>
              <input
                ref={fixedDimension ? firstFieldRef : undefined}
                className="filter-search"
                type="search"
                value={search}
                onChange={(event) => setSearch(event.target.value)}
                placeholder={`Search ${label.toLowerCase()} values`}
                aria-label={`Search ${label.toLowerCase()} values`}
              />
              <div className="filter-values" data-testid="filter-values">
                {values.error ? (
                  <p className="warning">Could not load values: {values.error.message}</p>
                ) : null}
                {values.loading ? <p className="muted">Loading values…</p> : null}
                {shown.map((row) => {
                  const value = String(row[dimension] ?? '')
                  return (
                    <label key={value} className="filter-value">
                      <input
                        type="checkbox"
                        checked={selected.includes(value)}
                        onChange={() => toggle(value)}
                      />
                      <span className="filter-value-name">{value}</span>
                      <span
                        className="filter-value-count muted"
                        title={`${formatInteger(row.requests)} requests, ${formatUsd(row.cost_usd)}`}
                      >
                        {formatInteger(row.requests)}
                      </span>
                    </label>
                  )
                })}
                {offerTyped ? (
                  <button type="button" className="link-button" onClick={() => toggle(exact)}>
                    {op === 'in' ? 'Keep' : 'Drop'} “{exact}”
                  </button>
                ) : null}
                {!values.loading && rows.length === 0 && !values.error ? (
                  <p className="muted">No values in this range.</p>
                ) : null}
              </div>
              <p className="filter-footnote muted">
                {rows.length >= VALUE_LIMIT
                  ? `The ${VALUE_LIMIT} most used values, with requests in range; type an exact value to filter by another.`
                  : 'Requests in the range, with the other filters applied.'}
              </p>
            </>
          ) : (
            <p className="muted">Letters, digits and _ . : - only.</p>
          )}
          <button type="button" className="button button-small" onClick={close}>
            Done
          </button>
        </div>
      ) : null}
    </div>
  )
}
