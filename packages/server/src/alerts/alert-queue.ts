import type { Anomaly, AnomalyState } from '../api/api-types.js'
import { ALERT_DELIVERIES_TABLE } from '../schema/alert-deliveries-table.js'
import {
  type AlertRouting,
  type DeliveryOptions,
  type DeliveryReport,
  deliverAlerts,
} from './deliver-alerts.js'

/** What a project's alerts configuration decides about its queue (AlertQueue.reconfigure changes it). */
export interface AlertQueueSettings {
  routing: AlertRouting
  /** How long anomalies are gathered, from the first one, before the messages go out. */
  windowMs?: number
  /** The dashboard's address, for the links in messages. */
  dashboardUrl?: string
}

export interface AlertQueueOptions extends DeliveryOptions, AlertQueueSettings {
  /** Anomalies held waiting at most; more are dropped (and counted) rather than held without bound. */
  maxQueued?: number
  /** Told what each window's delivery did (failures included), for the server's log. */
  onReport?: (report: DeliveryReport) => void
}

export interface AlertQueue {
  /**
   * Hands anomalies over and returns at once: never waits for a channel, never throws. Answers
   * false when the queue was full and some were dropped. Pass every anomaly a detection run sees;
   * only news is sent: an anomaly opened (once), and one announced as open that has resolved.
   */
  notify(anomalies: readonly Anomaly[]): boolean
  /** Sends what is gathered now, without waiting for the window (tests, shutdown). */
  flush(): Promise<DeliveryReport>
  /**
   * Routes by new channels and rules from now on: what is gathered goes by them when its window
   * ends (the window's length is the new one, counted from its first anomaly), and so does
   * everything after. A message already being sent finishes, its retries included, as it began, so
   * its delivery log record ends delivered or failed like any other. What was announced stays
   * remembered: a new channel hears of anomalies from now on, not of every one already open.
   */
  reconfigure(settings: AlertQueueSettings): void
  /** Stops the window and sends what is gathered; resolves once every message has ended. */
  close(): Promise<void>
  /** Anomalies dropped because the queue was full. */
  readonly dropped: number
}

export const DEFAULT_WINDOW_MS = 5 * 60_000
export const DEFAULT_MAX_QUEUED = 1000
/** Anomaly states remembered, so that the same open anomaly is not announced on every run. */
const REMEMBERED = 10_000

/**
 * The way detection hands anomalies to alerts: fire-and-forget into a bounded queue, sent a window
 * after the first arrives, so that a storm becomes one message per channel. Detection works in
 * whole hours, so a window of minutes delays little and saves a channel from a hundred posts.
 * Windows are sent one after another (a slow channel does not start a second send beside the first).
 *
 * What was announced is remembered in memory and, at the first send, read back from the delivery
 * log (when there is a store), so that a restart does not announce every open anomaly again.
 */
export function createAlertQueue(options: AlertQueueOptions): AlertQueue {
  let current: AlertQueueOptions = options
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED
  let waiting: Anomaly[] = []
  let timer: NodeJS.Timeout | undefined
  let windowStartedAt = 0
  let sending: Promise<unknown> = Promise.resolve()
  let dropped = 0
  const announced = new Map<string, AnomalyState>()
  let recalled: Promise<void> | undefined

  const remember = (id: string, state: AnomalyState) => {
    announced.delete(id)
    announced.set(id, state)
    if (announced.size > REMEMBERED) announced.delete(announced.keys().next().value as string)
  }
  /** Is this anomaly news: opened and not yet announced, or resolved after being announced open? */
  const isNews = (anomaly: Anomaly) => {
    const before = announced.get(anomaly.id)
    if (anomaly.state === 'open') return before === undefined
    if (anomaly.state === 'resolved') return before === 'open'
    return false
  }
  const recall = async () => {
    if (!options.store) return
    try {
      const log = await options.store.readRecords(ALERT_DELIVERIES_TABLE)
      for (const delivery of log.sort((a, b) => a.createdAt - b.createdAt)) {
        if (delivery.status !== 'delivered' || !delivery.type.startsWith('anomaly.')) continue
        for (const id of delivery.anomalyIds)
          if (!announced.has(id)) remember(id, delivery.type === 'anomaly.resolved' ? 'resolved' : 'open')
      }
    } catch {
      // Without the log, an open anomaly may be announced again after a restart: better than none.
    }
  }

  const send = async (): Promise<DeliveryReport> => {
    if (timer) clearTimeout(timer)
    timer = undefined
    recalled ??= recall()
    await recalled
    // Each anomaly as last seen: one that opened and resolved inside the window is no news at all.
    const latest = new Map(waiting.map((anomaly) => [anomaly.id, anomaly]))
    const batch = [...latest.values()].filter(isNews)
    waiting = []
    const report = await deliverAlerts(batch, current.routing, current)
    const delivered = new Set(
      report.deliveries.filter((delivery) => delivery.status === 'delivered').flatMap((d) => d.anomalyIds),
    )
    // Only what reached some channel is announced; what reached none is tried again next time it is seen.
    for (const anomaly of batch) if (delivered.has(anomaly.id)) remember(anomaly.id, anomaly.state)
    try {
      current.onReport?.(report)
    } catch {}
    return report
  }
  const enqueueSend = (): Promise<DeliveryReport> => {
    const next = sending.then(send)
    sending = next.catch(() => undefined)
    return next
  }
  /** Sends what is gathered once the window that began at windowStartedAt is over. */
  const startTimer = () => {
    const windowMs = current.windowMs ?? DEFAULT_WINDOW_MS
    timer = setTimeout(() => void enqueueSend(), Math.max(0, windowStartedAt + windowMs - Date.now()))
    timer.unref()
  }

  return {
    notify(anomalies) {
      const room = Math.max(0, maxQueued - waiting.length)
      const taken = anomalies.slice(0, room)
      dropped += anomalies.length - taken.length
      waiting.push(...taken)
      if (waiting.length > 0 && !timer) {
        windowStartedAt = Date.now()
        startTimer()
      }
      return taken.length === anomalies.length
    },
    flush: enqueueSend,
    reconfigure(settings) {
      current = {
        ...current,
        routing: settings.routing,
        windowMs: settings.windowMs,
        dashboardUrl: settings.dashboardUrl,
      }
      if (timer) {
        clearTimeout(timer)
        startTimer()
      }
    },
    async close() {
      await enqueueSend()
    },
    get dropped() {
      return dropped
    },
  }
}
