import type { ReactNode } from 'react'

export interface PanelProps {
  title: string
  /** Controls shown at the right of the title (e.g. a switch). */
  actions?: ReactNode
  subtitle?: string
  children: ReactNode
  testId?: string
}

/** A titled card around one chart. */
export function Panel({ title, actions, subtitle, children, testId }: PanelProps) {
  return (
    <section className="panel" aria-label={title} data-testid={testId}>
      <div className="panel-header">
        <div>
          <h2>{title}</h2>
          {subtitle ? <p className="panel-subtitle muted">{subtitle}</p> : null}
        </div>
        {actions}
      </div>
      {children}
    </section>
  )
}

/** The body of a panel that has nothing to draw (yet): loading, or no events in the range. */
export function PanelMessage({ children, busy = false }: { children: ReactNode; busy?: boolean }) {
  return (
    <div className="panel-message" aria-busy={busy}>
      {children}
    </div>
  )
}
