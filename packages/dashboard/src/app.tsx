import type { Meta } from '@spendlens/server/api-types'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { type MouseEvent, useCallback, useEffect, useMemo, useState } from 'react'
import { AccountControls } from './components/account-controls'
import { warmUpCharts } from './components/chart-warm-up'
import { DemoBanner } from './components/demo-banner'
import { EmptyState } from './components/empty-state'
import { ErrorBanner } from './components/error-banner'
import { FilterBar } from './components/filter-bar'
import { InvoicePeriodControls } from './components/invoice-period-controls'
import { Logo } from './components/logo'
import { ProjectPicker } from './components/project-picker'
import { TimeControls } from './components/time-controls'
import { UpdatedAt } from './components/updated-at'
import { type Dashboard, DashboardContext } from './hooks/dashboard-context'
import { isPlainClick, useViewState, viewHref } from './hooks/use-view-state'
import { getJson } from './lib/api-client'
import { describeComparison, describeSpan } from './lib/describe-range'
import { buildScope } from './lib/scope'
import type { ProjectsAnswer, SessionAnswer, SessionPrincipal } from './lib/session'
import { VIEWS, type ViewName, type ViewState } from './lib/view-state'
import { browserTimeZone } from './lib/zoned-time'
import { AnomaliesView } from './views/anomalies/anomalies-view'
import { BreakdownsView } from './views/breakdowns-view'
import { BudgetsView } from './views/budgets/budgets-view'
import { CustomerView } from './views/customer-view'
import { CustomersView } from './views/customers-view'
import { InvoiceView } from './views/invoice/invoice-view'
import { LatencyView } from './views/latency-view'
import { ModelsView } from './views/models-view'
import { OverviewView } from './views/overview-view'
import { PromptsView } from './views/prompts-view'
import { RequestsView } from './views/requests-view'
import { UnpricedModelsView } from './views/unpriced/unpriced-models-view'

/** Live mode refreshes every figure this often. */
export const LIVE_INTERVAL_MS = 5000

const VIEW_COMPONENTS: Record<ViewName, () => React.JSX.Element> = {
  overview: OverviewView,
  breakdowns: BreakdownsView,
  customers: CustomersView,
  customer: CustomerView,
  models: ModelsView,
  prompts: PromptsView,
  latency: LatencyView,
  requests: RequestsView,
  anomalies: AnomaliesView,
  budgets: BudgetsView,
  invoice: InvoiceView,
  unpriced: UnpricedModelsView,
}

/** In live mode, comparisons and month-to-date move with the clock, a minute at a time. */
function liveNow(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000)
}

export interface AppProps {
  auth: SessionAnswer['auth']
  /** Who the dashboard acts as (the open principal on a server without keys). */
  principal: SessionPrincipal
  /** The projects it sees, and its default one. */
  projects: ProjectsAnswer
  onSignOut: () => Promise<void>
}

export function App({ auth, principal, projects, onSignOut }: AppProps) {
  const defaultTimeZone = useMemo(() => browserTimeZone(), [])
  const [view, setView] = useViewState(defaultTimeZone)
  // The URL's project if this credential sees it, else the credential's default (a link from
  // someone who sees more projects, or a project taken away since).
  const refused =
    view.project !== undefined && !projects.projects.includes(view.project) ? view.project : undefined
  const project = view.project !== undefined && refused === undefined ? view.project : projects.current
  const [refusedNotice, setRefusedNotice] = useState<string>()
  useEffect(() => {
    if (refused === undefined) return
    setRefusedNotice(refused)
    setView({ ...view, project: undefined }, { replace: true })
  }, [refused, view, setView])
  const timeZone = view.timeZone ?? defaultTimeZone
  const client = useQueryClient()
  // The charts' code compiled while the first answers are on their way, not after they came (the
  // request log draws no chart).
  useEffect(() => {
    if (view.view !== 'requests') warmUpCharts()
  }, [view.view])
  const [now, setNow] = useState(() => new Date())

  useEffect(() => {
    if (!view.live) return
    const timer = setInterval(() => setNow(new Date()), LIVE_INTERVAL_MS)
    return () => clearInterval(timer)
  }, [view.live])

  const refetchInterval = view.live ? LIVE_INTERVAL_MS : (false as const)
  const meta = useQuery({
    queryKey: ['meta', project],
    queryFn: ({ signal }) => getJson<Meta>('api/meta', { signal, project }),
    refetchInterval,
  })

  const fresh = buildScope(view, timeZone, meta.data, view.live ? liveNow(now) : now)
  const scopeKey = JSON.stringify(fresh)
  // A new scope object only when something in it changed: queries and charts keep their inputs.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the scope's content
  const scope = useMemo(() => fresh, [scopeKey])

  const update = useCallback(
    (changes: Partial<ViewState>) => setView({ ...view, ...changes }),
    [view, setView],
  )
  const dashboard: Dashboard = useMemo(
    () => ({ project, view, setView, update, scope, meta: meta.data, refetchInterval, principal }),
    [project, view, setView, update, scope, meta.data, refetchInterval, principal],
  )

  const refresh = () => {
    setNow(new Date())
    void client.invalidateQueries()
  }

  // The invoice stands without events (before tracking began, every figure is the provider's), and
  // budgets are defined before anything is spent.
  const storeIsEmpty =
    meta.data !== undefined && meta.data.events === 0 && view.view !== 'invoice' && view.view !== 'budgets'
  const Current = VIEW_COMPONENTS[view.view]
  const comparison = describeComparison(scope.previous)

  return (
    <DashboardContext.Provider value={dashboard}>
      <div className="app">
        <a className="skip-link" href="#main">
          Skip to the figures
        </a>
        <header className="topbar">
          <div className="brand">
            <Logo />
            <h1>spendlens</h1>
            <ProjectPicker
              projects={projects.projects}
              current={project}
              onChange={(next) => {
                setRefusedNotice(undefined)
                setView({ ...view, project: next })
              }}
            />
            {meta.data?.demo.loaded ? (
              <span
                className="demo-badge"
                data-testid="demo-badge"
                title="These events were generated by spendlens to show what it does; they are not your traffic."
              >
                Demo data
              </span>
            ) : null}
          </div>
          <div className="topbar-actions">
            <UpdatedAt timeZone={timeZone} />
            <button
              type="button"
              className={view.live ? 'button live-toggle is-live' : 'button live-toggle'}
              aria-pressed={view.live}
              data-testid="live-toggle"
              onClick={() => setView({ ...view, live: !view.live })}
              title="Refresh every 5 seconds"
            >
              <span className="live-dot" aria-hidden="true" />
              Live
            </button>
            <button type="button" className="button" onClick={refresh} data-testid="refresh">
              Refresh
            </button>
            <AccountControls principal={principal} onSignOut={onSignOut} />
          </div>
        </header>

        <nav className="views" aria-label="Views">
          {VIEWS.map((entry) => {
            const current = view.view === entry.key || (entry.key === 'customers' && view.view === 'customer')
            const next: ViewState = { ...view, view: entry.key, customer: undefined }
            return (
              <a
                key={entry.key}
                href={viewHref(next)}
                aria-current={current ? 'page' : undefined}
                data-testid={`nav-${entry.key}`}
                onClick={(event: MouseEvent) => {
                  if (!isPlainClick(event)) return
                  event.preventDefault()
                  setView(next)
                }}
              >
                {entry.label}
              </a>
            )
          })}
        </nav>

        {refusedNotice ? (
          <p className="notice-banner" role="status" data-testid="project-refused">
            {`This link names the project “${refusedNotice}”, which this sign-in may not see: showing “${project}”. `}
            <button type="button" className="link-button" onClick={() => setRefusedNotice(undefined)}>
              Dismiss
            </button>
          </p>
        ) : null}

        {meta.data?.demo.loaded ? (
          <DemoBanner
            canDrop={principal.role === 'admin'}
            // A fresh start: the projects (the demo's is gone) and the landing project are the server's again.
            onDropped={() => window.location.assign(viewHref({ ...view, project: undefined }))}
          />
        ) : null}

        <div className="controls">
          {view.view === 'invoice' ? (
            <InvoicePeriodControls />
          ) : view.view === 'budgets' ? (
            <p className="range-caption muted" data-testid="budgets-caption">
              Each budget over its own current period, in its own time zone: the time controls and filters of
              the other views do not apply here.
            </p>
          ) : (
            <>
              <TimeControls />
              <FilterBar />
              <p className="range-caption">
                <span data-testid="range-caption">
                  {scope.span ? describeSpan(scope.span, timeZone) : view.preset === 'all' ? 'All time' : '—'}
                </span>
                <span className="muted">
                  {' '}
                  · {timeZone} · per {scope.bucket}
                  {comparison ? ` · changes ${comparison}` : ''}
                </span>
              </p>
            </>
          )}
        </div>

        <ErrorBanner />

        <main id="main" data-testid={`view-${view.view}`}>
          {storeIsEmpty ? (
            <EmptyState onRefresh={refresh} ingestProject={auth === 'required' ? project : undefined} />
          ) : meta.data || meta.isError ? (
            <Current />
          ) : (
            <p className="panel-message" aria-busy="true">
              Loading…
            </p>
          )}
        </main>

        <footer className="footer muted">
          {meta.data ? (
            <>
              spendlens {meta.data.version} · {meta.data.store.engine} ·{' '}
              {meta.data.events.toLocaleString('en-US')} events stored
            </>
          ) : (
            'spendlens'
          )}
        </footer>
      </div>
    </DashboardContext.Provider>
  )
}
