import type { InvoiceProviderName, InvoiceSyncStatus } from '@spendlens/server/api-types'
import { Panel, QueryBody } from '../../components/panel'
import { useDashboard } from '../../hooks/dashboard-context'
import { useInvoiceSync, useRunSync } from '../../hooks/use-invoice'
import { formatDayLabel, formatInteger, formatTimestamp } from '../../lib/format'
import { addDays } from '../../lib/zoned-time'

const PROVIDERS: Record<InvoiceProviderName, { name: string; keyVariable: string }> = {
  openai: { name: 'OpenAI', keyVariable: 'OPENAI_ADMIN_KEY' },
  anthropic: { name: 'Anthropic', keyVariable: 'ANTHROPIC_ADMIN_KEY' },
}

/** "Nov 1 – Dec 6, 2026": the UTC days a sync covers (`synced_until` is the end of the last). */
function syncedDays(status: InvoiceSyncStatus): string | undefined {
  if (!status.synced_from || !status.synced_until) return undefined
  const first = status.synced_from.slice(0, 10)
  const last = addDays(status.synced_until.slice(0, 10), -1)
  return `${formatDayLabel(first, 'long')} – ${formatDayLabel(last, 'long')}`
}

/**
 * Where each provider's invoice sync stands: when it last ran, which days it holds, its last error,
 * or how to set it up. An admin can start a configured provider's sync now.
 */
export function InvoiceSyncPanel() {
  const sync = useInvoiceSync()
  const run = useRunSync()
  return (
    <Panel
      title="Sync"
      subtitle="The providers' usage and cost reports, synced with an organization admin key"
      wide
      testId="invoice-sync-panel"
    >
      <QueryBody state={sync} what="the sync status">
        {(data) => (
          <>
            <ul className="sync-list">
              {data.providers.map((status) => (
                <SyncStatusRow
                  key={status.provider}
                  status={status}
                  starting={run.isPending && run.variables === status.provider}
                  onRun={() => run.mutate(status.provider)}
                />
              ))}
            </ul>
            {run.error ? (
              <p className="sync-error" role="alert" data-testid="sync-run-error" title={run.error.message}>
                {run.error.message}
              </p>
            ) : null}
          </>
        )}
      </QueryBody>
    </Panel>
  )
}

function SyncStatusRow({
  status,
  starting,
  onRun,
}: {
  status: InvoiceSyncStatus
  starting: boolean
  onRun: () => void
}) {
  const { principal, scope } = useDashboard()
  const { name, keyVariable } = PROVIDERS[status.provider]
  const days = syncedDays(status)
  const when = (iso: string | null) =>
    iso ? `${formatTimestamp(iso, scope.timeZone)} (${scope.timeZone})` : undefined
  const canRun = principal.role === 'admin' && status.configured
  return (
    <li className="sync-row" data-testid={`sync-${status.provider}`}>
      <div className="sync-head">
        <strong>{name}</strong>
        {status.running ? <span className="muted">Syncing now…</span> : null}
        {canRun ? (
          <button
            type="button"
            className="button button-small"
            disabled={status.running || starting}
            onClick={onRun}
            data-testid={`sync-now-${status.provider}`}
          >
            Sync now
          </button>
        ) : null}
      </div>
      {status.last_run_at ? (
        <p className="sync-detail">
          {status.last_success_at ? `Last synced ${when(status.last_success_at)}` : 'Never synced completely'}
          {days ? ` · days ${days} (UTC)` : ''}
          {status.last_success_at ? ` · ${formatInteger(status.lines)} lines` : ''}
          {status.next_run_at ? ` · next run ${when(status.next_run_at)}` : ''}
        </p>
      ) : null}
      {status.last_error ? (
        <p className="sync-error" title={status.last_error} data-testid={`sync-error-${status.provider}`}>
          {status.last_error}
        </p>
      ) : null}
      {!status.configured ? (
        <p className="sync-detail muted" data-testid={`sync-not-configured-${status.provider}`}>
          {status.last_run_at ? 'Background sync not configured' : 'Not configured'}: start the server with{' '}
          <code>{keyVariable}</code> set (an organization admin key) to sync in the background, or run{' '}
          <code>spendlens sync {status.provider}</code>. See docs/invoice.md.
        </p>
      ) : null}
    </li>
  )
}
