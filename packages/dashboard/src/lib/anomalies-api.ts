// The anomaly endpoints (docs/anomalies.md): the anomalies of a project, a person's acknowledgement
// or mute (admin), and the log of the alert messages sent about them (docs/alerts.md).

import type {
  AlertDeliveriesAnswer,
  AnomaliesAnswer,
  Anomaly,
  AnomalyState,
} from '@spendlens/server/api-types'
import { apiUrl, getJson, postJson, type RequestOptions } from './api-client'

/** The most anomalies one answer holds (the server's limit). */
export const ANOMALY_LIMIT = 1000

export interface AnomaliesRequest {
  /** A UTC day: only anomalies still going on after its start. Undefined: all of them. */
  since?: string
  limit?: number
}

/** GET /api/anomalies, every state: open and acknowledged ones first, then by money at stake. */
export function anomaliesUrl({ since, limit = ANOMALY_LIMIT }: AnomaliesRequest): string {
  return apiUrl('api/anomalies', { since, limit })
}

export function fetchAnomalies(
  request: AnomaliesRequest,
  options?: RequestOptions,
): Promise<AnomaliesAnswer> {
  return getJson<AnomaliesAnswer>(anomaliesUrl(request), options)
}

/** What a person may set; an anomaly resolves on its own. */
export type SettableAnomalyState = Exclude<AnomalyState, 'resolved'>

/** POST /api/anomaly-state/:id (admin): the updated anomaly; 409 once it resolved. */
export function setAnomalyState(
  id: string,
  state: SettableAnomalyState,
  options?: RequestOptions,
): Promise<Anomaly> {
  return postJson<Anomaly>(`api/anomaly-state/${encodeURIComponent(id)}`, { state }, options)
}

/** How many alert messages the delivery log shows. */
export const DELIVERY_LIMIT = 100

/** GET /api/alerts/deliveries: the project's alert messages, newest first. */
export const ALERT_DELIVERIES_URL = apiUrl('api/alerts/deliveries', { limit: DELIVERY_LIMIT })

export function fetchAlertDeliveries(options?: RequestOptions): Promise<AlertDeliveriesAnswer> {
  return getJson<AlertDeliveriesAnswer>(ALERT_DELIVERIES_URL, options)
}
