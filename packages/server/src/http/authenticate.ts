import fastifyCookie from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  defaultProject,
  mayUseProject,
  OPEN_PRINCIPAL,
  type Principal,
  roleAllows,
  routeAccess,
} from '../auth/access.js'
import type { Credentials } from '../auth/credentials.js'
import type { Sessions } from '../auth/sessions.js'
import { isProjectName } from '../schema/projects.js'
import { errorBody } from './http-error.js'

/** The dashboard's session cookie (http-only, SameSite=Strict). */
export const SESSION_COOKIE = 'spendlens_session'
/** The header (or `project` query parameter) that names the project a request acts on. */
export const PROJECT_HEADER = 'x-spendlens-project'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts as (set by the auth hook for every non-public route). */
    principal: Principal | null
    /** The project it acts on. */
    project: string
  }
}

export interface AuthOptions {
  credentials: Credentials
  sessions: Sessions
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function refuse(reply: FastifyReply, status: 401 | 403 | 400, code: string, message: string) {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="spendlens"')
  return reply.status(status).send(errorBody(code, message))
}

/** The bearer token of a request, if it sends one. */
function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (!header) return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1] ?? ''
}

/**
 * Whether a request that rides on the session cookie comes from the dashboard's own pages. The
 * cookie is SameSite=Strict already; on top of that a state-changing request must carry an
 * `Origin` whose host is the one it was sent to (browsers always send it on such requests), so no
 * other site can make a signed-in browser act.
 */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin
  if (!origin) return false
  try {
    return new URL(origin).host === request.headers.host
  } catch {
    return false
  }
}

/**
 * Who a request is: the open principal on a server without credentials, the key it sends as a
 * bearer token (`invalid` when that key is wrong), or its dashboard session; null for nobody.
 */
export async function identify(
  request: FastifyRequest,
  { credentials, sessions }: AuthOptions,
): Promise<{ principal: Principal; viaSession: boolean } | null | 'invalid'> {
  if (!credentials.required) return { principal: OPEN_PRINCIPAL, viaSession: false }
  const token = bearer(request)
  if (token !== null) {
    const principal = await credentials.authenticateKey(token)
    return principal ? { principal, viaSession: false } : 'invalid'
  }
  const sessionId = request.cookies[SESSION_COOKIE]
  const subject = sessionId ? sessions.get(sessionId) : null
  const principal = subject ? credentials.principalOf(subject) : null
  return principal ? { principal, viaSession: true } : null
}

/**
 * Authentication and authorization, before any route runs (auth/access.ts has the rules):
 * - a server none of whose stores has a key or user is open: every request acts as OPEN_PRINCIPAL;
 * - otherwise a non-public route needs `Authorization: Bearer <key>` or the session cookie: none or a
 *   wrong one is a 401, a role the route does not allow a 403;
 * - the project comes from `X-Spendlens-Project` (or `?project=`), else the credential's own; one
 *   the credential may not see is a 403.
 */
export async function registerAuthentication(app: FastifyInstance, options: AuthOptions): Promise<void> {
  await app.register(fastifyCookie)
  app.decorateRequest('principal', null)
  app.decorateRequest('project', '')

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/'
    const access = routeAccess(path, request.method)
    if (access === 'public') return

    const identified = await identify(request, options)
    if (identified === 'invalid')
      return refuse(reply, 401, 'unauthorized', 'the key is not valid (wrong, malformed or revoked)')
    const principal = identified?.principal
    if (!principal)
      return refuse(
        reply,
        401,
        'unauthorized',
        'this server needs a key: send `Authorization: Bearer <key>` (make one with `spendlens keys create`), or sign in to the dashboard',
      )
    if (identified.viaSession && UNSAFE_METHODS.has(request.method) && !sameOrigin(request))
      return refuse(
        reply,
        403,
        'csrf',
        'a signed-in request that changes something must come from the dashboard itself (Origin)',
      )
    if (!roleAllows(principal.role, access))
      return refuse(
        reply,
        403,
        'forbidden',
        `${principal.role === 'read' ? 'a' : 'an'} ${principal.role} ${principal.kind === 'user' ? 'user' : 'key'} may not use ${request.method} ${path} (it needs ${access})`,
      )

    const named =
      request.headers[PROJECT_HEADER] ?? (request.query as Record<string, unknown> | undefined)?.project
    const project = typeof named === 'string' && named !== '' ? named : defaultProject(principal)
    if (!isProjectName(project))
      return refuse(reply, 400, 'bad_request', `${JSON.stringify(project)} is not a project name`)
    if (!mayUseProject(principal, project))
      return refuse(
        reply,
        403,
        'project_forbidden',
        `this credential may not use the project ${JSON.stringify(project)}`,
      )
    request.principal = principal
    request.project = project
  })
}
