import { useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useRef, useState } from 'react'
import { isUnauthorized } from '../lib/api-client'
import {
  fetchProjects,
  fetchSession,
  type ProjectsAnswer,
  type SessionAnswer,
  type SessionPrincipal,
  type SignInCredential,
  signIn,
  signOut,
} from '../lib/session'

/** Why the sign-in screen is shown again, if it was not simply the first visit. */
export type SignInNotice = 'ended' | 'signed-out' | 'now-required'

export type SessionState =
  | { status: 'checking' }
  | { status: 'unreachable'; message: string }
  | { status: 'signed-out'; notice?: SignInNotice }
  | {
      status: 'signed-in'
      auth: SessionAnswer['auth']
      principal: SessionPrincipal
      /** The projects it sees, and the one requests use when the URL names none. */
      projects: ProjectsAnswer
    }

export interface Session {
  state: SessionState
  signIn: (credential: SignInCredential) => Promise<void>
  signOut: () => Promise<void>
  /** Asks the server again (after it could not be reached). */
  retry: () => void
}

/**
 * The dashboard's sign-in state, from the server: GET /api/session on load, POST on sign-in, DELETE
 * on sign-out. Any 401 a query meets afterwards (the session lapsed, its key was revoked, the server
 * restarted) signs the dashboard out. Every change of who is signed in empties the query cache, so
 * one person's figures are never shown to the next.
 */
export function useSession(): Session {
  const client = useQueryClient()
  const [state, setState] = useState<SessionState>({ status: 'checking' })
  const current = useRef(state)
  current.current = state

  /** Signed in (or open): the projects it sees, then the dashboard. */
  const enter = useCallback(
    async (session: SessionAnswer, notice?: SignInNotice) => {
      const principal = session.principal
      if (!principal) {
        setState({ status: 'signed-out', notice })
        return
      }
      const projects = await fetchProjects()
      client.clear()
      setState({ status: 'signed-in', auth: session.auth, principal, projects })
    },
    [client],
  )

  const load = useCallback(
    async (notice?: SignInNotice) => {
      try {
        await enter(await fetchSession(), notice)
      } catch (error) {
        if (isUnauthorized(error)) setState({ status: 'signed-out', notice })
        else setState({ status: 'unreachable', message: (error as Error).message })
      }
    },
    [enter],
  )

  useEffect(() => {
    void load()
  }, [load])

  // A 401 from any query: the session is gone.
  useEffect(
    () =>
      client.getQueryCache().subscribe((event) => {
        if (event.type !== 'updated' || event.action.type !== 'error') return
        if (!isUnauthorized(event.action.error)) return
        const was = current.current
        if (was.status !== 'signed-in') return
        setState({ status: 'signed-out', notice: was.principal.kind === 'open' ? 'now-required' : 'ended' })
      }),
    [client],
  )

  // Nothing of a session outlives it.
  useEffect(() => {
    if (state.status === 'signed-out') client.clear()
  }, [state.status, client])

  const session: Session = {
    state,
    signIn: useCallback(async (credential: SignInCredential) => enter(await signIn(credential)), [enter]),
    signOut: useCallback(async () => {
      await signOut().catch(() => undefined)
      // Whatever the DELETE answered, the server says whether a session is left.
      await load('signed-out')
    }, [load]),
    retry: useCallback(() => {
      setState({ status: 'checking' })
      void load()
    }, [load]),
  }
  return session
}
