import type { Role } from '../schema/keys-table.js'
import { DEFAULT_PROJECT } from '../schema/projects.js'
import { ALL_PROJECTS } from '../schema/users-table.js'

/** Who a request acts as: a key, a signed-in user, or anyone (a server without keys). */
export interface Principal {
  kind: 'key' | 'user' | 'open'
  /** The key's id, the user's name; `open` for anyone. */
  id: string
  role: Role
  /** The projects it may act on: a key's one, a user's list, or every project. */
  projects: readonly string[] | typeof ALL_PROJECTS
}

/** Anyone, on a server without keys: the zero-setup start, where every route is open. */
export const OPEN_PRINCIPAL: Principal = { kind: 'open', id: 'open', role: 'admin', projects: ALL_PROJECTS }

/** What a route asks of the credential: nothing (`public`), or a role. */
export type Access = 'public' | Role

/**
 * The routes by the role they need, first match wins (the security suite checks every route
 * against this table); an entry with `methods` matches only those. The dashboard's files are
 * public: they hold no data, and the sign-in page is among them. A new `/api` route needs `read`
 * unless listed; a new `/v1` route, `ingest`.
 */
export const ROUTE_ACCESS: readonly { prefix: string; methods?: readonly string[]; access: Access }[] = [
  { prefix: '/v1/', access: 'ingest' },
  { prefix: '/api/session', access: 'public' },
  { prefix: '/api/keys', access: 'admin' },
  // Anyone who reads may see the budgets; changing them is an admin's.
  { prefix: '/api/budgets', methods: ['PUT', 'DELETE'], access: 'admin' },
  { prefix: '/api/invoice/sync/run', access: 'admin' },
  { prefix: '/api/anomaly-state/', access: 'admin' },
  // What customers pay is business data beyond spend: read and set by admins only.
  { prefix: '/api/revenue', access: 'admin' },
  // Channels hold secrets (redacted, but their addresses show), and a test message is sent on demand.
  { prefix: '/api/alerts/config', access: 'admin' },
  { prefix: '/api/alerts/test', access: 'admin' },
  // The CLI's data commands through a running server: every event out, any event in, the demo, reprice.
  { prefix: '/api/admin/', access: 'admin' },
  { prefix: '/api/', access: 'read' },
  // Spend figures, as Prometheus scrapes them with a read key (docs/metrics.md).
  { prefix: '/metrics/', access: 'read' },
]

export function routeAccess(path: string, method = 'GET'): Access {
  return (
    ROUTE_ACCESS.find(
      (route) =>
        (path === route.prefix.replace(/\/$/, '') || path.startsWith(route.prefix)) &&
        (!route.methods || route.methods.includes(method)),
    )?.access ?? 'public'
  )
}

/**
 * Whether `role` may use a route asking `access`. An admin may do everything in its projects: it
 * can make itself any key anyway, so refusing it a route would protect nothing.
 */
export function roleAllows(role: Role, access: Role): boolean {
  return role === 'admin' || role === access
}

export function mayUseProject(principal: Principal, project: string): boolean {
  return principal.projects === ALL_PROJECTS || principal.projects.includes(project)
}

/** The project a request acts on when it names none. */
export function defaultProject(principal: Principal): string {
  if (principal.projects === ALL_PROJECTS || principal.projects.includes(DEFAULT_PROJECT))
    return DEFAULT_PROJECT
  return principal.projects[0] ?? DEFAULT_PROJECT
}
