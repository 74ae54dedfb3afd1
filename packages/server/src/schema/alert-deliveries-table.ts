import type { AlertDeliveryStatus, AlertMessageType } from '../api/api-types.js'
import { asNumber, asText, recordColumn, recordTable } from './record-table.js'

export type { AlertDeliveryStatus, AlertMessageType }

/**
 * One alert message sent to one channel (alerts/deliver-alerts.ts), written when each attempt ends,
 * so that "did on-call get told?" has an answer after the fact: which anomalies, how many attempts,
 * and the last error when it did not get through.
 */
export interface AlertDelivery {
  /** Random; also sent as `X-Spendlens-Delivery`, the same on every retry, so a receiver can drop repeats. */
  id: string
  project: string
  /** The channel's id in the alert configuration. */
  channel: string
  type: AlertMessageType
  /**
   * Every anomaly the message is about, in the order it lists them; for a budget message, the
   * budget alert's id (`budget:<id>:<period start>:threshold:0.8`), by which budgets remember
   * what they already sent.
   */
  anomalyIds: string[]
  status: AlertDeliveryStatus
  attempts: number
  /** The last failed attempt's error in one line, '' when none failed. */
  lastError: string
  createdAt: number
  lastAttemptAt: number | null
  deliveredAt: number | null
}

export const ALERT_DELIVERIES_TABLE = recordTable<AlertDelivery>(
  'spendlens_alert_deliveries',
  'id',
  [
    recordColumn.text('id', (delivery) => delivery.id),
    recordColumn.text('project', (delivery) => delivery.project, 'low'),
    recordColumn.text('channel', (delivery) => delivery.channel, 'low'),
    recordColumn.text('type', (delivery) => delivery.type, 'low'),
    // A JSON array: ids are the detector's, and may hold any character a separator could.
    recordColumn.text('anomaly_ids', (delivery) => JSON.stringify(delivery.anomalyIds)),
    recordColumn.text('status', (delivery) => delivery.status, 'low'),
    recordColumn.time('attempts', (delivery) => delivery.attempts, false),
    recordColumn.text('last_error', (delivery) => delivery.lastError),
    recordColumn.time('created_at', (delivery) => delivery.createdAt, false),
    recordColumn.time('last_attempt_at', (delivery) => delivery.lastAttemptAt),
    recordColumn.time('delivered_at', (delivery) => delivery.deliveredAt),
  ],
  (row) => ({
    id: asText(row.id),
    project: asText(row.project),
    channel: asText(row.channel),
    type: asText(row.type) as AlertMessageType,
    anomalyIds: parseIds(asText(row.anomaly_ids)),
    status: asText(row.status) as AlertDeliveryStatus,
    attempts: asNumber(row.attempts) ?? 0,
    lastError: asText(row.last_error),
    createdAt: asNumber(row.created_at) ?? 0,
    lastAttemptAt: asNumber(row.last_attempt_at),
    deliveredAt: asNumber(row.delivered_at),
  }),
)

function parseIds(text: string): string[] {
  try {
    const ids: unknown = JSON.parse(text)
    return Array.isArray(ids) ? ids.map(String) : []
  } catch {
    return []
  }
}
