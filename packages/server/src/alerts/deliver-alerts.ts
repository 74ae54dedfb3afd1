import { randomUUID } from 'node:crypto'
import type { Anomaly, BudgetAlert } from '../api/api-types.js'
import { backoffMs } from '../invoice/admin-http.js'
import {
  ALERT_DELIVERIES_TABLE,
  type AlertDelivery,
  type AlertDeliveryStatus,
} from '../schema/alert-deliveries-table.js'
import type { Store } from '../store/store.js'
import { type AlertMessage, type RenderOptions, type ReportMessage, subjectIds } from './alert-message.js'
import { type AttemptOutcome, attemptDelivery } from './channel-attempt.js'
import type { AlertChannel } from './channel-config.js'
import { groupAlerts } from './group-alerts.js'
import { type AlertRule, budgetSubject, channelsFor, route } from './route.js'

/** The channels and the rules routing anomalies to them (a parsed ALERTS_CONFIG_SCHEMA fits). */
export interface AlertRouting {
  channels: readonly AlertChannel[]
  rules: readonly AlertRule[]
}

export interface DeliveryOptions extends RenderOptions {
  /** Where the delivery log is written (schema/alert-deliveries-table.ts); without one, nothing is logged. */
  store?: Store
  /** Tries per message, the first included. */
  maxAttempts?: number
  /** The wait after the first failed try, doubling after each (with a little jitter). */
  retryBaseMs?: number
  /** A 429 asking for a longer wait than this gives up instead: an alert an hour late is not worth holding a slot for. */
  maxRetryAfterMs?: number
  /** One try's limit (connect, send, answer). */
  attemptTimeoutMs?: number
  /** Told of each failed try that will be retried, for the server's log. */
  onRetry?: (message: string, waitMs: number) => void
}

/** How one message to one channel ended. */
export interface ChannelDelivery {
  /** The delivery log record's id (and `X-Spendlens-Delivery`). */
  id: string
  channel: string
  type: AlertMessage['type']
  anomalyIds: string[]
  status: Exclude<AlertDeliveryStatus, 'retrying'>
  attempts: number
  /** The last failed try's error, '' when the first try got through. */
  lastError: string
}

/** What deliverAlerts did: every message, and any trouble writing the delivery log. */
export interface DeliveryReport {
  deliveries: ChannelDelivery[]
  delivered: number
  failed: number
  /** Delivery-log writes that failed (the messages themselves were still sent). */
  logErrors: string[]
}

export const DELIVERY_DEFAULTS = {
  maxAttempts: 5,
  retryBaseMs: 1000,
  maxRetryAfterMs: 60_000,
  attemptTimeoutMs: 10_000,
} as const

/**
 * Routes `anomalies` to channels by the rules, gathers each channel's into messages
 * (group-alerts.ts) and sends them, channels side by side, one channel's messages in turn.
 * Resolves with what happened to each message; never rejects: a channel that is down, refuses, or
 * is missing from the configuration is a failed delivery in the report (and in the log), not an
 * exception in the caller. Each try's end is written to the delivery log, so a message still
 * being retried shows as `retrying`.
 */
export async function deliverAlerts(
  anomalies: readonly Anomaly[],
  routing: AlertRouting,
  options: DeliveryOptions = {},
): Promise<DeliveryReport> {
  return deliverRouted(
    () => {
      const messages = new Map<string, AlertMessage[]>()
      for (const [channelId, list] of route(anomalies, routing.rules))
        messages.set(channelId, groupAlerts(list))
      return messages
    },
    routing,
    options,
  )
}

/** A budget alert to send, and the channels its budget names (none: the routing rules decide). */
export interface BudgetAlertDelivery {
  alert: BudgetAlert
  channels: readonly string[]
}

/**
 * Sends each budget alert, one message each, to the channels its budget names, or else to those of
 * every rule it matches (route.ts `budgetSubject`). Resolves with the same report as deliverAlerts,
 * and never rejects.
 */
export async function deliverBudgetAlerts(
  alerts: readonly BudgetAlertDelivery[],
  routing: AlertRouting,
  options: DeliveryOptions = {},
): Promise<DeliveryReport> {
  return deliverRouted(
    () => {
      const messages = new Map<string, AlertMessage[]>()
      for (const { alert, channels } of alerts) {
        const message: AlertMessage = {
          type: alert.kind === 'budget_threshold' ? 'budget.threshold' : 'budget.forecast',
          budget: alert,
        }
        const targets = channels.length > 0 ? channels : channelsFor(budgetSubject(alert), routing.rules)
        for (const channelId of targets)
          messages.set(channelId, [...(messages.get(channelId) ?? []), message])
      }
      return messages
    },
    routing,
    options,
  )
}

/**
 * Sends the weekly digest (`report.weekly`) to each of `channels`, one message each. Resolves with
 * the same report as deliverAlerts, and never rejects.
 */
export async function deliverReport(
  message: ReportMessage,
  channels: readonly string[],
  routing: AlertRouting,
  options: DeliveryOptions = {},
): Promise<DeliveryReport> {
  return deliverRouted(() => new Map(channels.map((channel) => [channel, [message]])), routing, options)
}

/** Sends each channel its messages: channels side by side, one channel's messages in turn. */
async function deliverRouted(
  messagesByChannel: () => Map<string, AlertMessage[]>,
  routing: AlertRouting,
  options: DeliveryOptions,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { deliveries: [], delivered: 0, failed: 0, logErrors: [] }
  try {
    const channels = new Map(routing.channels.map((channel) => [channel.id, channel]))
    await Promise.all(
      [...messagesByChannel()].map(async ([channelId, messages]) => {
        for (const message of messages) {
          const delivery = await deliverMessage(channelId, channels.get(channelId), message, options, report)
          report.deliveries.push(delivery)
          report[delivery.status === 'delivered' ? 'delivered' : 'failed']++
        }
      }),
    )
  } catch (error) {
    // Only a bug gets here (every send is already caught): reported, never thrown into the caller.
    report.logErrors.push(`alert delivery stopped: ${error instanceof Error ? error.message : String(error)}`)
  }
  return report
}

/**
 * Sends `channel` a test message (`alert.test`, about no anomaly) and answers how it went: one try,
 * no retries, since the admin checking a channel before an incident is waiting for the first
 * error, not for five. Logged like every message (when there is a store), so the delivery log
 * shows who was reachable when. Never rejects.
 */
export async function deliverTestMessage(
  channel: AlertChannel,
  options: DeliveryOptions = {},
): Promise<ChannelDelivery> {
  const report: DeliveryReport = { deliveries: [], delivered: 0, failed: 0, logErrors: [] }
  return deliverMessage(
    channel.id,
    channel,
    { type: 'alert.test', anomalies: [] },
    { ...options, maxAttempts: 1 },
    report,
  )
}

async function deliverMessage(
  channelId: string,
  channel: AlertChannel | undefined,
  message: AlertMessage,
  options: DeliveryOptions,
  report: DeliveryReport,
): Promise<ChannelDelivery> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? DELIVERY_DEFAULTS.maxAttempts)
  const retryBaseMs = options.retryBaseMs ?? DELIVERY_DEFAULTS.retryBaseMs
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DELIVERY_DEFAULTS.maxRetryAfterMs
  const record: AlertDelivery = {
    id: randomUUID(),
    project: options.project ?? '',
    channel: channelId,
    type: message.type,
    anomalyIds: subjectIds(message),
    status: 'retrying',
    attempts: 0,
    lastError: '',
    createdAt: Date.now(),
    lastAttemptAt: null,
    deliveredAt: null,
  }
  const log = async (status: AlertDeliveryStatus) => {
    record.status = status
    if (!options.store) return
    try {
      await options.store.writeRecords(ALERT_DELIVERIES_TABLE, [{ ...record }])
    } catch (error) {
      report.logErrors.push(
        `delivery log (${record.id}): ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  }
  const finish = async (status: 'delivered' | 'failed'): Promise<ChannelDelivery> => {
    await log(status)
    const { id, channel, type, anomalyIds, attempts, lastError } = record
    return { id, channel, type, anomalyIds, status, attempts, lastError }
  }

  if (!channel) {
    record.lastError = `no channel ${channelId} in the alert configuration`
    return finish('failed')
  }
  const context = {
    deliveryId: record.id,
    timeoutMs: options.attemptTimeoutMs ?? DELIVERY_DEFAULTS.attemptTimeoutMs,
    render: options,
  }
  for (;;) {
    const outcome: AttemptOutcome = await attemptDelivery(channel, message, context)
    record.attempts++
    record.lastAttemptAt = Date.now()
    if (outcome.ok) {
      record.deliveredAt = record.lastAttemptAt
      return finish('delivered')
    }
    record.lastError = outcome.error
    if (!outcome.retry || record.attempts >= maxAttempts) return finish('failed')
    const waitMs = outcome.retryAfterMs ?? backoffMs(retryBaseMs, record.attempts)
    if (waitMs > maxRetryAfterMs) {
      record.lastError = `${outcome.error}; asked to wait ${Math.ceil(waitMs / 1000)} s, more than maxRetryAfterMs`
      return finish('failed')
    }
    await log('retrying')
    options.onRetry?.(
      `alert ${record.id} to ${channelId}: ${outcome.error}; attempt ${record.attempts} of ${maxAttempts}`,
      waitMs,
    )
    await new Promise((resolve) => setTimeout(resolve, waitMs))
  }
}
