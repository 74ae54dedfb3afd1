import type { ReactNode } from 'react'

export interface PanelProps {
  title: string
  /** Controls at the right of the title (a switch, a download). */
  actions?: ReactNode
  subtitle?: ReactNode
  children: ReactNode
  testId?: string
  /** Spans both columns of a two-column row. */
  wide?: boolean
  /** Showing older figures while newer ones load. */
  stale?: boolean
}

/** A titled card around one chart or table. */
export function Panel({ title, actions, subtitle, children, testId, wide, stale }: PanelProps) {
  const className = ['panel', wide ? 'panel-wide' : '', stale ? 'is-stale' : ''].filter(Boolean).join(' ')
  return (
    <section className={className} aria-label={title} aria-busy={stale || undefined} data-testid={testId}>
      <div className="panel-header">
        <div>
          <h2>{title}</h2>
          {subtitle ? <p className="panel-subtitle muted">{subtitle}</p> : null}
        </div>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  )
}

/** The body of a panel that has nothing to draw (yet): loading, no events, or a failure. */
export function PanelMessage({
  children,
  busy = false,
  tone,
}: {
  children: ReactNode
  busy?: boolean
  tone?: 'error'
}) {
  return (
    <div
      className={tone === 'error' ? 'panel-message is-error' : 'panel-message'}
      aria-busy={busy}
      role={tone === 'error' ? 'alert' : undefined}
    >
      {children}
    </div>
  )
}

export interface QueryBodyProps<T> {
  state: { data: T | undefined; error: Error | null; loading: boolean; refetch: () => void }
  /** What is loading, e.g. "cost by feature". */
  what: string
  /** True when the answer holds nothing to draw. */
  isEmpty?: (data: T) => boolean
  /** Shown instead of the chart when the answer is empty. */
  empty?: ReactNode
  children: (data: T) => ReactNode
}

/**
 * The three states every panel has before its chart: loading (say what), failed (say what and
 * offer Retry), empty (say why and what to try). With data, the chart; the previous data stays up
 * while a newer answer loads.
 */
export function QueryBody<T>({ state, what, isEmpty, empty, children }: QueryBodyProps<T>) {
  if (state.data === undefined) {
    if (state.error) {
      return (
        <PanelMessage tone="error">
          <p data-testid="panel-error">
            Could not load {what}: {state.error.message}
          </p>
          <button type="button" className="button" onClick={state.refetch}>
            Retry
          </button>
        </PanelMessage>
      )
    }
    return <PanelMessage busy>Loading {what}…</PanelMessage>
  }
  if (isEmpty?.(state.data)) return <PanelMessage>{empty ?? <p>No events match.</p>}</PanelMessage>
  return <>{children(state.data)}</>
}
