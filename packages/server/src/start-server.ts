import { isIP } from 'node:net'
import type { AlertsConfig } from './alerts/alerts-config.js'
import { createProjectAlerts, type ProjectAlerts } from './alerts/project-alerts.js'
import { Credentials } from './auth/credentials.js'
import type { FileBudget } from './budgets/budget-definition.js'
import { type BudgetService, createBudgetService } from './budgets/budget-service.js'
import { collectGarbage } from './demo/collect-garbage.js'
import { foundByDemo, loadDemo } from './demo/demo-data.js'
import { DEMO_META_KEY, DEMO_PROJECT, demoDropped } from './demo/demo-project.js'
import { createApp, type RateLimits } from './http/create-app.js'
import { type AnomalyJob, startAnomalyJob } from './jobs/anomaly-job.js'
import { type BudgetJob, startBudgetJob } from './jobs/budget-job.js'
import { type DigestJob, startDigestJob } from './jobs/digest-job.js'
import {
  type InvoiceSyncJob,
  type InvoiceSyncJobOptions,
  startInvoiceSyncJob,
} from './jobs/invoice-sync-job.js'
import type { JobTiming } from './jobs/periodic-job.js'
import { type RetentionJob, startRetentionJob } from './jobs/retention-job.js'
import { toAnomaly } from './schema/anomalies-table.js'
import { openStore } from './store/open-store.js'
import type { Store } from './store/store.js'

export interface StartServerOptions {
  /**
   * Where events are kept (see openStore): a DuckDB file (created if missing), `chdb://<folder>`,
   * or `clickhouse://user:password@host:8123/database`.
   */
  store?: string
  /** A DuckDB file: the older name of `store`, still accepted. */
  storePath?: string
  /** 0 picks a free port. Default 4600. */
  port?: number
  /**
   * Default 127.0.0.1. A store without keys may listen beyond this machine only with `open` (see
   * checkExposure).
   */
  host?: string
  /**
   * Run without keys on a non-loopback address: anyone who reaches the server reads and writes every
   * event. Refused unless said (`spendlens serve --open`).
   */
  open?: boolean
  /** Requests per minute per credential (AppOptions.rateLimits). */
  rateLimits?: RateLimits
  /** Load demo data when the store is empty (and its demo was never dropped). Default true. */
  demo?: boolean
  /**
   * The project the demo goes into: DEMO_PROJECT, apart from real events, by default. Tests of the
   * demo's figures next to events of their own load it into the default project.
   */
  demoProject?: string
  logger?: boolean
  /** Worker threads decoding ingest bodies (see AppOptions.ingestWorkers). */
  ingestWorkers?: number
  /** Days before now an ingested event's `ts` may lie (AppOptions.maxEventAgeDays; default 30). */
  maxEventAgeDays?: number
  /**
   * Maximum age of stored events, in days: older events are deleted at start and then every hour.
   * Default: keep everything.
   */
  retentionDays?: number
  /** Host names answered besides IP addresses and localhost (AppOptions.allowedHosts). */
  allowedHosts?: readonly string[]
  /** How long one query may run (AppOptions.queryTimeoutMs). */
  queryTimeoutMs?: number
  /** GET /metrics: values kept per label before `__other__` (AppOptions.metrics). */
  metricsTop?: number
  /**
   * The providers' reports to sync in the background (those with an admin key), into which
   * project, how often (jobs/invoice-sync-job.ts). No sync without it.
   */
  invoiceSync?: Omit<InvoiceSyncJobOptions, 'store' | 'onSynced' | 'onError'>
  /**
   * Run the anomaly detectors every `intervalMs` (jobs/anomaly-job.ts). Off unless given:
   * `spendlens serve` turns it on.
   */
  anomalies?: Omit<JobTiming, 'onError'>
  /**
   * Where anomalies and budget alerts are sent (alerts/alerts-config.ts; `spendlens serve --alerts
   * <file>`): every project without a configuration of its own, set through the API
   * (alerts/project-alerts.ts).
   */
  alerts?: AlertsConfig
  /** Budgets of the budgets file (`spendlens serve --budgets <file>`); those the API defines win. */
  budgets?: readonly FileBudget[]
  /**
   * Check budgets for alerts every `intervalMs` (jobs/budget-job.ts), through `alerts`' channels.
   * Off unless given: `spendlens serve` turns it on.
   */
  budgetAlerts?: Omit<JobTiming, 'onError'>
  /**
   * Send the weekly digest of each project whose alerts configuration has a `digest`, checking every
   * `intervalMs` (jobs/digest-job.ts). Off unless given: `spendlens serve` turns it on.
   */
  digest?: Omit<JobTiming, 'onError'> & { now?: () => number }
  /** Told what happened at start-up (demo loaded…) and what the retention job deleted. */
  onNotice?: (message: string) => void
}

export interface RunningServer {
  url: string
  store: Store
  demoLoaded: boolean
  /** The retention job when `retentionDays` is set; `run()` applies it now. */
  retention: RetentionJob | undefined
  /** The background invoice sync, when admin keys were given. */
  invoiceSync: InvoiceSyncJob | undefined
  /** Every project's budgets and their spend. */
  budgets: BudgetService
  /** The budget alerts job when `budgetAlerts` is set; `run()` checks every budget now. */
  budgetJob: BudgetJob | undefined
  /** The anomaly job when `anomalies` is set; `run()` detects now, and hands what changed to the alerts. */
  anomalies: AnomalyJob | undefined
  /** The weekly digest job when `digest` is set; `run()` sends what is due now. */
  digestJob: DigestJob | undefined
  close(): Promise<void>
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const location = options.store ?? options.storePath
  if (location === undefined) throw new Error('startServer needs a store location')
  const store = await openStore(location)
  let demoLoaded = false
  let retention: RetentionJob | undefined
  let invoiceSync: InvoiceSyncJob | undefined
  let anomalyJob: AnomalyJob | undefined
  let budgetJob: BudgetJob | undefined
  let digestJob: DigestJob | undefined
  let alerts: ProjectAlerts | undefined
  let credentials: Credentials | undefined
  try {
    credentials = await Credentials.open(store)
    const host = options.host ?? '127.0.0.1'
    checkExposure(host, credentials.required, options.open ?? false, options.onNotice)
    if (options.retentionDays !== undefined) {
      const days = options.retentionDays
      retention = await startRetentionJob({
        store,
        days,
        onDeleted: (deleted, cutoff) =>
          options.onNotice?.(
            `Retention (${days} days): deleted ${deleted.toLocaleString('en-US')} events older than ${cutoff.toISOString()}.`,
          ),
        onError: (error) =>
          options.onNotice?.(
            `Retention: could not delete old events (${(error as Error).message}); will retry.`,
          ),
      })
    }
    // Never again once dropped (`spendlens demo drop`): an empty store is then one kept empty.
    if ((options.demo ?? true) && (await store.stats()).events === 0 && !(await demoDropped(store))) {
      const started = performance.now()
      // Demo history never reaches past the retention period.
      const days = Math.max(1, Math.min(30, Math.floor(options.retentionDays ?? 30)))
      const project = options.demoProject ?? DEMO_PROJECT
      const { events, invoiceLines, anomalies } = await loadDemo(store, { days, project })
      // On disk now, not held in memory until the engine's own checkpoint (bench:start).
      await store.checkpoint?.()
      // What the load built is garbage now: collected at once, not held until the heap next fills.
      collectGarbage()
      demoLoaded = true
      options.onNotice?.(
        `The store was empty: loaded ${events.toLocaleString('en-US')} demo events (${days} days of a fictional product), its providers' simulated invoice (${invoiceLines.toLocaleString('en-US')} lines) and the ${anomalies} anomalies found in them in ${Math.round(performance.now() - started)} ms, in the project "${project}": the dashboard shows it, labelled, until the first real event arrives. \`spendlens demo drop\` removes it; --no-demo skips this.`,
      )
    }
    const demoLoadedAt = await store.getMeta(DEMO_META_KEY)
    if (options.invoiceSync && Object.keys(options.invoiceSync.sources).length > 0) {
      invoiceSync = startInvoiceSyncJob({
        ...options.invoiceSync,
        store,
        onSynced: (result) =>
          options.onNotice?.(
            `Invoice sync (${result.provider}): ${result.lines.toLocaleString('en-US')} lines from ${new Date(result.from).toISOString().slice(0, 10)} to ${new Date(result.to).toISOString().slice(0, 10)}.`,
          ),
        onError: (provider, error) =>
          options.onNotice?.(`Invoice sync (${provider}) failed: ${(error as Error).message}; will retry.`),
      })
    }
    // Each project's alerts go by its own configuration (set through the API) or the file's, through
    // a queue of its own, so that its messages link into its own dashboard and its log is its own.
    const projectAlerts = await createProjectAlerts({
      store,
      file: options.alerts,
      onNotice: options.onNotice,
    })
    alerts = projectAlerts
    if (projectAlerts.configured.length > 0)
      options.onNotice?.(
        `Alerts configured through the API for ${projectAlerts.configured.join(', ')}${options.alerts ? '; every other project goes by the --alerts file' : ''}.`,
      )
    if (options.anomalies)
      anomalyJob = startAnomalyJob({
        store,
        ...options.anomalies,
        onChanged: (project, anomalies) =>
          projectAlerts.notify(
            project,
            anomalies.filter((anomaly) => !foundByDemo(anomaly, demoLoadedAt)).map(toAnomaly),
          ),
        onError: (error) =>
          options.onNotice?.(`Anomaly detection failed: ${(error as Error).message}; will retry.`),
      })
    const budgets = createBudgetService({ store, file: options.budgets })
    if (options.budgetAlerts)
      budgetJob = startBudgetJob({
        budgets,
        store,
        ...options.budgetAlerts,
        // Each project by its own alerts configuration (set through the API), else the --alerts file.
        routingFor: (project) => projectAlerts.configOf(project).config,
        onReport: (project, report) => {
          for (const delivery of report.deliveries)
            if (delivery.status === 'failed')
              options.onNotice?.(
                `Budget alert to ${delivery.channel} (project ${project}) failed after ${delivery.attempts} tries: ${delivery.lastError}`,
              )
        },
        onError: (error) =>
          options.onNotice?.(`Budget alerts failed: ${(error as Error).message}; will retry.`),
      })
    if (options.digest)
      digestJob = startDigestJob({
        store,
        budgets,
        ...options.digest,
        queryTimeoutMs: options.queryTimeoutMs,
        configFor: (project) => projectAlerts.configOf(project).config,
        onReport: (project, report) => {
          for (const delivery of report.deliveries)
            if (delivery.status === 'failed')
              options.onNotice?.(
                `Weekly digest to ${delivery.channel} (project ${project}) failed after ${delivery.attempts} tries: ${delivery.lastError}; will retry.`,
              )
        },
        onError: (error) =>
          options.onNotice?.(`Weekly digest failed: ${(error as Error).message}; will retry.`),
      })
    const app = await createApp({
      store,
      logger: options.logger,
      ingestWorkers: options.ingestWorkers,
      maxEventAgeDays: options.maxEventAgeDays,
      allowedHosts: options.allowedHosts,
      queryTimeoutMs: options.queryTimeoutMs,
      metrics: { top: options.metricsTop },
      credentials,
      rateLimits: options.rateLimits,
      invoiceSync,
      budgets,
      alerts: projectAlerts,
    })
    const address = await app.listen({ port: options.port ?? 4600, host })
    return {
      url: `${address.replace('[::1]', 'localhost')}/`,
      store,
      demoLoaded,
      retention,
      invoiceSync,
      budgets,
      budgetJob,
      anomalies: anomalyJob,
      digestJob,
      async close() {
        await digestJob?.stop()
        await budgetJob?.stop()
        await anomalyJob?.stop()
        await projectAlerts.close()
        await invoiceSync?.stop()
        await retention?.stop()
        await app.close()
        await credentials?.close()
        await store.close()
      },
    }
  } catch (error) {
    await digestJob?.stop()
    await budgetJob?.stop()
    await anomalyJob?.stop()
    await alerts?.close()
    await invoiceSync?.stop()
    await retention?.stop()
    await credentials?.close()
    await store.close()
    throw error
  }
}

/** Whether `host` listens on this machine only. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1'
}

/**
 * The rules for who can reach a server: once a key exists every request needs one, on any address;
 * a server without keys stays open on loopback (the two-command start), and anywhere else only when
 * told to run open, with a loud warning.
 */
export function checkExposure(
  host: string,
  hasKeys: boolean,
  open: boolean,
  warn: ((message: string) => void) | undefined,
): void {
  if (hasKeys || isLoopback(host)) return
  if (!open)
    throw new Error(
      `refusing to listen on ${host} without keys: anyone who reaches it would read and write every event. Make an admin key first (\`spendlens keys create --role admin\`), listen on 127.0.0.1, or pass --open to run without authentication.`,
    )
  warn?.(
    `WARNING: listening on ${host} with no keys (--open): anyone who can reach this address reads and writes every event. Make a key (\`spendlens keys create --role admin\`) to turn authentication on.`,
  )
}
