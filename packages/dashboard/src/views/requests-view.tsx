import type { Dimension, LoggedEvent } from '@spendlens/server/api-types'
import { Fragment, useEffect, useMemo, useState } from 'react'
import { Panel, PanelMessage } from '../components/panel'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery, useEventPage } from '../hooks/use-analytics-query'
import { csvFileName, downloadCsv, toCsv } from '../lib/csv'
import { drillDown } from '../lib/filters'
import {
  formatInteger,
  formatLatency,
  formatTimestamp,
  formatUsdPrecise,
  LATENCY_BAND_LABEL,
  latencyBand,
} from '../lib/format'
import { eventsScopeParams, eventsUrl, matchingQuery, PAGE_SIZE } from '../queries/requests-queries'
import { NoEventsHint } from './cost-over-time-panel'

interface LogColumn {
  label: string
  /** Raw value: the CSV cell. */
  value: (event: LoggedEvent) => string | number | null
  /** The cell text. */
  text: (event: LoggedEvent, timeZone: string) => string
  numeric?: boolean
  /** Clicking the value filters by it. */
  dimension?: Dimension
}

/**
 * A missing attribution arrives as null (the store's `unattributed`, turned back by the server): its
 * cell stays empty and offers no filter, the CSV cell too, and the event's fields show it as "—".
 */
const attribution = (value: string | null) => value ?? ''

const COLUMNS: LogColumn[] = [
  {
    label: 'Time',
    value: (event) => event.ts,
    text: (event, timeZone) => formatTimestamp(event.ts, timeZone),
  },
  {
    label: 'Feature',
    value: (event) => event.feature,
    text: (event) => attribution(event.feature),
    dimension: 'feature',
  },
  {
    label: 'Customer',
    value: (event) => event.customer_id,
    text: (event) => attribution(event.customer_id),
    dimension: 'customer_id',
  },
  { label: 'Model', value: (event) => event.model, text: (event) => event.model, dimension: 'model' },
  {
    label: 'Input tokens',
    value: (event) => event.input_tokens,
    text: (event) => formatInteger(event.input_tokens),
    numeric: true,
  },
  {
    label: 'Output tokens',
    value: (event) => event.output_tokens,
    text: (event) => formatInteger(event.output_tokens),
    numeric: true,
  },
  {
    label: 'Cost',
    value: (event) => event.cost_usd,
    text: (event) => (event.cost_usd === null ? 'unknown' : formatUsdPrecise(event.cost_usd)),
    numeric: true,
  },
  {
    label: 'Latency',
    value: (event) => event.latency_ms,
    text: (event) => formatLatency(event.latency_ms),
    numeric: true,
  },
  { label: 'Status', value: (event) => event.status, text: (event) => event.status, dimension: 'status' },
]

/** Every field of an event, in the order of docs/event-schema.md. */
function eventFields(event: LoggedEvent): [string, string][] {
  return Object.entries(event).map(([key, value]) => {
    if (value === null || value === undefined) return [key, '—']
    if (key === 'cost_usd' && typeof value === 'number') return [key, `${formatUsdPrecise(value)} (${value})`]
    if (typeof value === 'object') return [key, JSON.stringify(value)]
    return [key, String(value)]
  })
}

/** Single calls, newest first, with cursor paging; a row opens to every field of its event. */
export function RequestsView() {
  const { scope, view, update } = useDashboard()
  // Cursors of the pages seen so far: [first page (none), second page's cursor, …].
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined])
  const [page, setPage] = useState(0)
  const [expanded, setExpanded] = useState<string | undefined>(undefined)

  const baseParams = useMemo(() => eventsScopeParams(scope), [scope])
  const scopeKey = JSON.stringify(baseParams)
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new scope starts again at the newest
  useEffect(() => {
    setCursors([undefined])
    setPage(0)
    setExpanded(undefined)
  }, [scopeKey])

  const cursor = cursors[page]
  const url = eventsUrl(baseParams, cursor)
  // Live mode follows the newest events on the first page only: an older page stays put.
  const events = useEventPage(url, view.live && page === 0)
  const matching = useAnalyticsQuery(matchingQuery(scope))
  const total = matching.data?.[0]?.requests

  const next = events.data?.next_cursor ?? null
  const goOlder = () => {
    if (!next) return
    setCursors((known) => [...known.slice(0, page + 1), next])
    setPage(page + 1)
  }
  const rows = events.data?.events ?? []
  const first = page * PAGE_SIZE + 1

  const download = () => {
    const text = toCsv(
      ['event_id', ...COLUMNS.map((column) => column.label)],
      rows.map((event) => [event.event_id, ...COLUMNS.map((column) => column.value(event))]),
    )
    downloadCsv(csvFileName('requests'), text)
  }

  let body: React.ReactNode
  if (!events.data) {
    body = events.error ? (
      <PanelMessage tone="error">
        <p data-testid="panel-error">Could not load requests: {events.error.message}</p>
        <button type="button" className="button" onClick={events.refetch}>
          Retry
        </button>
      </PanelMessage>
    ) : (
      <PanelMessage busy>Loading requests…</PanelMessage>
    )
  } else if (rows.length === 0) {
    body = (
      <PanelMessage>
        <NoEventsHint />
      </PanelMessage>
    )
  } else {
    body = (
      <div className="table-scroll">
        <table className="event-log" data-testid="event-log">
          <caption className="visually-hidden">Requests, newest first</caption>
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
              {COLUMNS.map((column) => (
                <th key={column.label} scope="col" className={column.numeric ? 'numeric' : undefined}>
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((event) => {
              const open = expanded === event.event_id
              const band = latencyBand(event.latency_ms)
              return (
                <Fragment key={event.event_id}>
                  <tr
                    className={open ? 'is-open' : undefined}
                    data-testid="event-row"
                    data-event-id={event.event_id}
                  >
                    <td>
                      <button
                        type="button"
                        className="expand-button"
                        aria-expanded={open}
                        aria-controls={`event-${event.event_id}`}
                        aria-label={`${open ? 'Hide' : 'Show'} every field of ${event.event_id}`}
                        onClick={() => setExpanded(open ? undefined : event.event_id)}
                      >
                        {open ? '▾' : '▸'}
                      </button>
                    </td>
                    {COLUMNS.map((column) => {
                      const raw = column.value(event)
                      const text = column.text(event, scope.timeZone)
                      const className = [
                        column.numeric ? 'numeric' : '',
                        column.label === 'Latency' && band ? `band-${band}` : '',
                        column.label === 'Status' && event.status !== 'ok' ? 'tone-bad' : '',
                        column.label === 'Cost' ? 'mono' : '',
                      ]
                        .filter(Boolean)
                        .join(' ')
                      return (
                        <td
                          key={column.label}
                          className={className || undefined}
                          data-value={raw ?? ''}
                          title={column.label === 'Latency' && band ? LATENCY_BAND_LABEL[band] : undefined}
                        >
                          {column.dimension && typeof raw === 'string' ? (
                            <button
                              type="button"
                              className="link-button"
                              onClick={() =>
                                update({
                                  filters: drillDown(view.filters, column.dimension as Dimension, raw),
                                })
                              }
                              title={`Filter by ${column.label.toLowerCase()} ${raw}`}
                            >
                              {text}
                            </button>
                          ) : (
                            text
                          )}
                        </td>
                      )
                    })}
                  </tr>
                  {open ? (
                    <tr className="event-details" id={`event-${event.event_id}`}>
                      <td colSpan={COLUMNS.length + 1}>
                        <dl className="field-grid" data-testid="event-fields">
                          {eventFields(event).map(([key, value]) => (
                            <div key={key}>
                              <dt>{key}</dt>
                              <dd data-field={key}>{value}</dd>
                            </div>
                          ))}
                        </dl>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              )
            })}
          </tbody>
        </table>
      </div>
    )
  }

  return (
    <Panel
      title="Requests"
      subtitle={
        total !== undefined
          ? `${formatInteger(total)} calls match · newest first${rows.length ? ` · showing ${formatInteger(first)}–${formatInteger(first + rows.length - 1)}` : ''}${view.live && page === 0 ? ' · following live' : ''}`
          : 'Newest first'
      }
      actions={
        <button
          type="button"
          className="button button-small"
          onClick={download}
          disabled={rows.length === 0}
          data-testid="event-log-csv"
        >
          Download CSV
        </button>
      }
      wide
      stale={events.stale}
      testId="requests-panel"
    >
      {body}
      <div className="pager">
        <button type="button" className="button" disabled={page === 0} onClick={() => setPage(0)}>
          Newest
        </button>
        <button
          type="button"
          className="button"
          disabled={page === 0}
          onClick={() => setPage(page - 1)}
          data-testid="page-newer"
        >
          ← Newer
        </button>
        <span className="muted">Page {page + 1}</span>
        <button type="button" className="button" disabled={!next} onClick={goOlder} data-testid="page-older">
          Older →
        </button>
      </div>
    </Panel>
  )
}
