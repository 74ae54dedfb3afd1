// Where a row of the Anomalies view leads: the view an alert about the anomaly links to.

import type { Anomaly } from '@spendlens/server/api-types'
import { dashboardSearch } from '@spendlens/server/dashboard-link'
import { readViewState, type ViewState } from './view-state'

/**
 * The anomaly in the Overview (or Latency & errors for error and latency anomalies): its scope as
 * the only filter, its UTC days as a custom range in UTC. Read from the very query string an alert
 * links to (server api/dashboard-link.ts), so the dashboard and the alerts open the same view.
 */
export function anomalyDrillDown(view: ViewState, anomaly: Anomaly): ViewState {
  return readViewState(dashboardSearch(anomaly, view.project))
}
