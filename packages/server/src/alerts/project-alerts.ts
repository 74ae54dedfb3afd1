import type { Anomaly } from '../api/api-types.js'
import { ALERT_CONFIGS_TABLE, type AlertConfigRecord } from '../schema/alert-configs-table.js'
import { createMutex } from '../store/mutex.js'
import type { Store } from '../store/store.js'
import { type AlertQueue, type AlertQueueSettings, createAlertQueue } from './alert-queue.js'
import { ALERTS_CONFIG_SCHEMA, type AlertsConfig } from './alerts-config.js'
import type { AlertChannelKind } from './channel-config.js'
import { type ChannelDelivery, type DeliveryOptions, deliverTestMessage } from './deliver-alerts.js'

/** How often the stored configurations are read again: changes another server made (collectors sharing a ClickHouse store). */
const REFRESH_MS = 30_000

/** Where a project's alerts configuration comes from: its own (set through the API), the server's file, or nowhere. */
export type AlertsConfigSource = 'api' | 'file' | 'none'

export interface ProjectAlertsConfig {
  source: AlertsConfigSource
  config: AlertsConfig | undefined
  /** When and by whom the project's own configuration was set (source `api`). */
  changedAt?: number
  changedBy?: string
}

export interface ProjectAlertsOptions {
  store: Store
  /** The server's `--alerts` file: every project without a configuration of its own uses it. */
  file?: AlertsConfig
  /** Delivery settings besides the configuration's (retries, time limits). */
  delivery?: Omit<DeliveryOptions, 'store' | 'project' | 'dashboardUrl'>
  /** Told of failed deliveries and of stored configurations that no longer pass the schema. */
  onNotice?: (message: string) => void
  /** How often to read the stored configurations again (default 30 s; 0: never). */
  refreshMs?: number
}

export interface ProjectAlerts {
  /** The configuration `project` goes by now. */
  configOf(project: string): ProjectAlertsConfig
  /** Stores `config` as the project's own and routes its anomalies by it from now on. */
  set(project: string, config: AlertsConfig, changedBy: string): Promise<ProjectAlertsConfig>
  /** Drops the project's own configuration: it goes by the file's again (or sends nothing). */
  clear(project: string, changedBy: string): Promise<ProjectAlertsConfig>
  /** Hands a detection run's anomalies to the project's queue; returns at once (AlertQueue.notify). */
  notify(project: string, anomalies: readonly Anomaly[]): void
  /**
   * Sends a test message through one of the project's channels now (one try) and answers how it
   * went; undefined when the project's configuration has no such channel.
   */
  sendTest(
    project: string,
    channelId: string,
  ): Promise<(ChannelDelivery & { kind: AlertChannelKind }) | undefined>
  /** Reads the stored configurations again and applies those that changed. */
  reload(): Promise<void>
  /** Projects with a configuration of their own. */
  readonly configured: readonly string[]
  /** Sends what every queue has gathered and waits for every message to end. */
  close(): Promise<void>
}

interface Held {
  /** undefined: cleared, the project goes by the file. */
  config: AlertsConfig | undefined
  record: AlertConfigRecord
}

/**
 * Every project's alerts: its configuration (its own, stored through the API, else the server's
 * file) and its queue (alert-queue.ts), made at its first anomaly so that its links and delivery
 * log are its own. A configuration that changes reconfigures the project's queue in place, so
 * detection and ingest never wait for it and no other project notices; a project left with no
 * configuration has its queue closed in the background, its messages in flight ending in the log
 * as delivered or failed. Configurations are read at start and again every REFRESH_MS.
 */
export async function createProjectAlerts(options: ProjectAlertsOptions): Promise<ProjectAlerts> {
  const { store } = options
  const held = new Map<string, Held>()
  const queues = new Map<string, AlertQueue>()
  const closing = new Set<Promise<void>>()
  const exclusive = createMutex()
  let closed = false

  const configOf = (project: string): ProjectAlertsConfig => {
    const own = held.get(project)
    if (own?.config)
      return {
        source: 'api',
        config: own.config,
        changedAt: own.record.changedAt,
        changedBy: own.record.changedBy,
      }
    return options.file ? { source: 'file', config: options.file } : { source: 'none', config: undefined }
  }

  const settingsOf = (config: AlertsConfig): AlertQueueSettings => ({
    routing: config,
    windowMs: config.windowMs,
    dashboardUrl: config.dashboardUrl,
  })

  const queueFor = (project: string): AlertQueue | undefined => {
    const existing = queues.get(project)
    if (existing || closed) return existing
    const { config } = configOf(project)
    if (!config) return undefined
    const queue = createAlertQueue({
      ...options.delivery,
      ...settingsOf(config),
      project,
      store,
      onReport: (report) => {
        for (const delivery of report.deliveries)
          if (delivery.status === 'failed')
            options.onNotice?.(
              `Alert to ${delivery.channel} (project ${project}) failed after ${delivery.attempts} tries: ${delivery.lastError}`,
            )
      },
    })
    queues.set(project, queue)
    return queue
  }

  /** The project's queue follows its configuration now. */
  const apply = (project: string) => {
    const queue = queues.get(project)
    if (!queue) return
    const { config } = configOf(project)
    if (config) return queue.reconfigure(settingsOf(config))
    // Nowhere to send: what is gathered goes by no rule, messages in flight end as they began.
    queue.reconfigure({ routing: { channels: [], rules: [] } })
    queues.delete(project)
    const done = queue.close().catch(() => undefined)
    closing.add(done)
    void done.then(() => closing.delete(done))
  }

  /** Holds a stored record (the latest write of its project), unless it is what is held already. */
  const hold = (record: AlertConfigRecord) => {
    const before = held.get(record.project)?.record
    if (before && before.changedAt === record.changedAt && before.config === record.config) return
    let config: AlertsConfig | undefined
    if (record.config !== '') {
      const parsed = ALERTS_CONFIG_SCHEMA.safeParse(safeJson(record.config))
      if (parsed.success) config = parsed.data
      else
        options.onNotice?.(
          `The alerts configuration stored for project ${record.project} no longer passes the checks (${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}); the project goes by ${options.file ? 'the --alerts file' : 'no configuration'} until an admin sets it again.`,
        )
    }
    held.set(record.project, { config, record })
    apply(record.project)
  }

  const write = (record: AlertConfigRecord) =>
    exclusive(async () => {
      await store.writeRecords(ALERT_CONFIGS_TABLE, [record])
      hold(record)
      return configOf(record.project)
    })

  const reload = () =>
    exclusive(async () => {
      for (const record of await store.readRecords(ALERT_CONFIGS_TABLE)) hold(record)
    })

  await reload()
  const refreshMs = options.refreshMs ?? REFRESH_MS
  const timer = refreshMs > 0 ? setInterval(() => void reload().catch(() => undefined), refreshMs) : undefined
  timer?.unref()

  return {
    configOf,
    set: (project, config, changedBy) =>
      write({ project, config: JSON.stringify(config), changedAt: Date.now(), changedBy }),
    async clear(project, changedBy) {
      // Nothing stored, or cleared already. (A stored one that no longer passes the checks is cleared.)
      if (!held.get(project)?.record.config) return configOf(project)
      return write({ project, config: '', changedAt: Date.now(), changedBy })
    },
    notify(project, anomalies) {
      queueFor(project)?.notify(anomalies)
    },
    async sendTest(project, channelId) {
      const { config } = configOf(project)
      const channel = config?.channels.find((candidate) => candidate.id === channelId)
      if (!config || !channel) return undefined
      const delivery = await deliverTestMessage(channel, {
        ...options.delivery,
        store,
        project,
        dashboardUrl: config.dashboardUrl,
      })
      return { ...delivery, kind: channel.kind }
    },
    reload,
    get configured() {
      return [...held].filter(([, own]) => own.config).map(([project]) => project)
    },
    async close() {
      closed = true
      if (timer) clearInterval(timer)
      await Promise.all([...[...queues.values()].map((queue) => queue.close()), ...closing])
      queues.clear()
    },
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
