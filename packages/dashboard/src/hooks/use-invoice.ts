import type { InvoiceProviderName, InvoiceSyncAnswer, ReconcileAnswer } from '@spendlens/server/api-types'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { fetchInvoiceSync, fetchReconcile, type ReconcileRequest, runInvoiceSync } from '../lib/invoice-api'
import { useDashboard } from './dashboard-context'
import { keepWithinProject, type QueryState, toQueryState } from './use-analytics-query'

/** While a sync runs, its status is asked this often, so the page sees it end. */
const RUNNING_POLL_MS = 2000

/** Every invoice query of a project: what a finished sync makes stale. */
const invoiceKey = (project: string) => ['invoice', project] as const

/**
 * One reconciliation (GET /api/invoice/reconcile), kept on screen while a newer one loads.
 * `undefined` asks nothing (a table not shown).
 */
export function useReconcile(request: ReconcileRequest | undefined): QueryState<ReconcileAnswer> {
  const { project, refetchInterval } = useDashboard()
  const query = useQuery({
    queryKey: [...invoiceKey(project), 'reconcile', request],
    queryFn: ({ signal }) => fetchReconcile(request as ReconcileRequest, { signal, project }),
    enabled: request !== undefined,
    placeholderData: keepWithinProject<ReconcileAnswer>(project),
    refetchInterval,
  })
  return toQueryState(query, refetchInterval === false)
}

/**
 * Where each provider's sync stands (GET /api/invoice/sync). Asked every two seconds while a run
 * goes on; when it ends, every invoice figure of the project is asked again.
 */
export function useInvoiceSync(): QueryState<InvoiceSyncAnswer> {
  const { project, refetchInterval } = useDashboard()
  const client = useQueryClient()
  const query = useQuery({
    queryKey: [...invoiceKey(project), 'sync'],
    queryFn: ({ signal }) => fetchInvoiceSync({ signal, project }),
    placeholderData: keepWithinProject<InvoiceSyncAnswer>(project),
    refetchInterval: (current) =>
      current.state.data?.providers.some((status) => status.running) ? RUNNING_POLL_MS : refetchInterval,
  })
  const running = query.data?.providers.some((status) => status.running) ?? false
  const wasRunning = useRef(running)
  useEffect(() => {
    if (wasRunning.current && !running) void client.invalidateQueries({ queryKey: invoiceKey(project) })
    wasRunning.current = running
  }, [running, client, project])
  return toQueryState(query, false)
}

/** Starts a provider's sync now (admin), then asks for every invoice figure of the project again. */
export function useRunSync() {
  const { project } = useDashboard()
  const client = useQueryClient()
  return useMutation({
    mutationFn: (provider: InvoiceProviderName) => runInvoiceSync(provider, { project }),
    onSettled: () => client.invalidateQueries({ queryKey: invoiceKey(project) }),
  })
}
