import type { Meta, SessionPrincipal } from '@spendlens/server/api-types'
import { createContext, useContext } from 'react'
import type { Scope } from '../lib/scope'
import type { ViewState } from '../lib/view-state'

/** What every view reads: the view in the URL, the scope derived from it, and how to change it. */
export interface Dashboard {
  /** The project every request acts on (sent as X-Spendlens-Project, part of every query key). */
  project: string
  view: ViewState
  /** Changes the view (a history entry). */
  setView: (next: ViewState) => void
  /** Changes parts of the view. */
  update: (changes: Partial<ViewState>) => void
  scope: Scope
  meta: Meta | undefined
  /** Refetch interval in ms while live mode is on. */
  refetchInterval: number | false
  /** Who the dashboard acts as: what it may do (an admin starts an invoice sync). */
  principal: SessionPrincipal
}

export const DashboardContext = createContext<Dashboard | undefined>(undefined)

export function useDashboard(): Dashboard {
  const dashboard = useContext(DashboardContext)
  if (!dashboard) throw new Error('useDashboard outside DashboardContext')
  return dashboard
}
