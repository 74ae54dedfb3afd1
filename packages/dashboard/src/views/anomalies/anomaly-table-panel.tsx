import type { Anomaly } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import { DataTable } from '../../components/data-table'
import { Panel } from '../../components/panel'
import { Segmented } from '../../components/segmented'
import { useDashboard } from '../../hooks/dashboard-context'
import { useSetAnomalyState } from '../../hooks/use-anomalies'
import { viewHref } from '../../hooks/use-view-state'
import type { SettableAnomalyState } from '../../lib/anomalies-api'
import { anomalyDrillDown } from '../../lib/anomaly-drill-down'
import { ANOMALY_STATE_FILTERS, countByState } from '../../lib/anomaly-list'
import { anomalyColumns } from './anomaly-columns'

/** What a person may do with an anomaly in each state; a resolved one is over. */
const ACTIONS: Record<Anomaly['state'], { state: SettableAnomalyState; label: string }[]> = {
  open: [
    { state: 'acknowledged', label: 'Acknowledge' },
    { state: 'muted', label: 'Mute' },
  ],
  acknowledged: [
    { state: 'muted', label: 'Mute' },
    { state: 'open', label: 'Reopen' },
  ],
  muted: [{ state: 'open', label: 'Reopen' }],
  resolved: [],
}

export interface AnomalyTablePanelProps {
  /** The anomalies of the range and filters, every state. */
  anomalies: readonly Anomaly[]
  /** Those of the chosen state, in the order shown. */
  shown: readonly Anomaly[]
}

/**
 * The anomalies, open and acknowledged first, then by money at stake: each one's sentence opens the
 * view it is about (the view an alert links to). Admins acknowledge, mute and reopen them here.
 */
export function AnomalyTablePanel({ anomalies, shown }: AnomalyTablePanelProps) {
  const { view, update, setView, principal, scope } = useDashboard()
  const change = useSetAnomalyState()
  const counts = useMemo(() => countByState(anomalies), [anomalies])
  const columns = useMemo(() => anomalyColumns(scope.timeZone), [scope.timeZone])
  const admin = principal.role === 'admin'
  const pending = (id: string) => change.isPending && change.variables?.id === id
  return (
    <Panel
      title="Anomalies"
      subtitle="Going on first, then by money at stake · click one to see it in its view"
      actions={
        <Segmented
          label="State"
          small
          options={ANOMALY_STATE_FILTERS.map((entry) => ({
            key: entry.key,
            label: `${entry.label} ${counts[entry.key]}`,
          }))}
          value={view.anomalyState}
          onChange={(anomalyState) => update({ anomalyState })}
          testIdPrefix="anomaly-state-"
        />
      }
      wide
      testId="anomaly-table-panel"
    >
      {shown.length === 0 ? (
        <p className="panel-message" data-testid="anomaly-table-empty">
          No {view.anomalyState === 'all' ? '' : `${view.anomalyState} `}anomalies in this range
          {view.filters.length ? ' with these filters' : ''}.
        </p>
      ) : (
        <div className="anomaly-table">
          <DataTable
            title="Anomalies"
            columns={columns}
            rows={shown}
            rowKey={(row) => row.id}
            testId="anomaly-table"
            onRowClick={(row) => setView(anomalyDrillDown(view, row))}
            rowHref={(row) => viewHref(anomalyDrillDown(view, row))}
            rowActions={
              admin
                ? (row) => (
                    <span className="anomaly-actions">
                      {ACTIONS[row.state].map((action) => (
                        <button
                          key={action.state}
                          type="button"
                          className="button button-small"
                          disabled={pending(row.id)}
                          onClick={() => change.mutate({ id: row.id, state: action.state })}
                        >
                          {action.label}
                        </button>
                      ))}
                    </span>
                  )
                : undefined
            }
            caption={`${shown.length} of ${anomalies.length} · times in ${scope.timeZone}`}
          />
        </div>
      )}
      {change.error ? (
        <p className="sync-error" role="alert" data-testid="anomaly-state-error" title={change.error.message}>
          {change.error.message}
        </p>
      ) : null}
    </Panel>
  )
}
