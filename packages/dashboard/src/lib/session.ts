// Signing the dashboard in and out (docs/security.md "Dashboard sign-in"). The credential is the
// server's http-only session cookie: a key or password goes only into the body of POST /api/session
// and is never kept by the page, in memory or in storage.

import type { ProjectsAnswer, SessionAnswer, SessionPrincipal } from '@spendlens/server/api-types'
import { ApiError, deleteJson, getJson, postJson, type RequestOptions } from './api-client'

export type { ProjectsAnswer, Role, SessionAnswer, SessionPrincipal } from '@spendlens/server/api-types'
export { DEFAULT_PROJECT } from '@spendlens/server/api-types'

/** What the sign-in form sends: a read (or admin) key, or a user and password. */
export type SignInCredential = { key: string } | { user: string; password: string }

export function fetchSession(options?: RequestOptions): Promise<SessionAnswer> {
  return getJson<SessionAnswer>('api/session', options)
}

/** The projects the credential sees and its default one (asked without a project header). */
export function fetchProjects(options?: RequestOptions): Promise<ProjectsAnswer> {
  return getJson<ProjectsAnswer>('api/projects', options)
}

/** Signs in: the server answers the session and sets its cookie. */
export function signIn(credential: SignInCredential): Promise<SessionAnswer> {
  return postJson<SessionAnswer>('api/session', credential)
}

export function signOut(): Promise<SessionAnswer> {
  return deleteJson<SessionAnswer>('api/session')
}

/** What to tell the person at the sign-in form when the server refused it. */
export function signInErrorMessage(error: unknown, method: 'key' | 'user'): string {
  if (!(error instanceof ApiError) || error.status === undefined)
    return 'Could not reach the spendlens server. Check that it is running, then try again.'
  if (error.status === 401)
    return method === 'key'
      ? 'That key is not valid: it may be mistyped, incomplete or revoked.'
      : 'Wrong user name or password.'
  if (error.status === 403 && error.code === 'forbidden')
    return 'That is an ingest key: it can only send events. Sign in with a read or admin key.'
  if (error.status === 429) {
    const wait = error.retryAfterSeconds
    return `Too many sign-in attempts from this address. Try again in ${
      wait === undefined ? 'a minute' : wait === 1 ? '1 second' : `${wait} seconds`
    }.`
  }
  return error.message
}

/** "alice", or "read key 1a2b3c4d5e6f": who the header says is signed in. */
export function principalLabel(principal: SessionPrincipal): string {
  return principal.kind === 'key' ? `${principal.role} key ${principal.id}` : principal.id
}
