import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { ProjectsAnswer, SessionAnswer } from '../api/api-types.js'
import { defaultProject, mayUseProject, type Principal } from '../auth/access.js'
import { landingProject } from '../demo/demo-project.js'
import { type ApiKeyRecord, ROLES } from '../schema/keys-table.js'
import { ALL_PROJECTS } from '../schema/users-table.js'
import type { Store } from '../store/store.js'
import { type AuthOptions, identify, PROJECT_HEADER, SESSION_COOKIE } from './authenticate.js'
import { HttpError } from './http-error.js'
import { parseOrThrow } from './query-params.js'

const signIn = z.union([
  z.object({ key: z.string().min(1).max(200) }).strict(),
  z.object({ user: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict(),
])

const newKey = z
  .object({
    role: z.enum(ROLES),
    name: z.string().max(200).optional(),
  })
  .strict()

/** A key as the API shows it: never its hash. */
const keyView = (key: ApiKeyRecord) => ({
  id: key.id,
  project: key.project,
  role: key.role,
  name: key.name,
  created_at: new Date(key.createdAt).toISOString(),
  revoked_at: key.revokedAt === null ? null : new Date(key.revokedAt).toISOString(),
  last_used_at: key.lastUsedAt === null ? null : new Date(key.lastUsedAt).toISOString(),
})

/**
 * Signing in and out of the dashboard (`/api/session`, public), the projects a credential sees
 * (`/api/projects`, read) and key management (`/api/keys`, admin). docs/security.md and docs/api.md.
 */
export function registerAuthRoutes(
  app: FastifyInstance,
  options: AuthOptions & { store: Pick<Store, 'projects' | 'getMeta' | 'stats'> },
): void {
  const { credentials, sessions, store } = options
  /** A credential's projects; for every project, those a key or user names and those with events. */
  const visibleProjects = async (principal: Principal) => {
    if (principal.projects !== ALL_PROJECTS) return [...principal.projects]
    return [...new Set([...credentials.projects(), ...(await store.projects())])].sort()
  }

  const sessionView = async (principal: Principal | null): Promise<SessionAnswer> => ({
    auth: credentials.required ? 'required' : 'open',
    principal: principal && {
      kind: principal.kind,
      id: principal.id,
      role: principal.role,
      projects: await visibleProjects(principal),
      default_project: defaultProject(principal),
    },
  })

  app.get('/api/session', async (request) => {
    const identified = await identify(request, options)
    return sessionView(identified && identified !== 'invalid' ? identified.principal : null)
  })

  app.post(
    '/api/session',
    { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const body = parseOrThrow(signIn, request.body)
      const principal =
        'key' in body
          ? await credentials.authenticateKey(body.key)
          : await credentials.authenticateUser(body.user, body.password)
      if (!principal || principal.kind === 'open')
        throw new HttpError(401, 'unauthorized', 'wrong key, or wrong user name or password')
      if (principal.role === 'ingest')
        throw new HttpError(
          403,
          'forbidden',
          'an ingest key only sends events: sign in with a read or admin key',
        )
      const id = sessions.create({ kind: principal.kind, id: principal.id })
      reply.setCookie(SESSION_COOKIE, id, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https',
      })
      return sessionView(principal)
    },
  )

  app.delete('/api/session', async (request, reply) => {
    const id = request.cookies[SESSION_COOKIE]
    if (id) sessions.delete(id)
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return sessionView(null)
  })

  app.get('/api/projects', async (request) => {
    const principal = request.principal as Principal
    // Named by the request, or the credential's own; one that sees every project opens on the demo's
    // until a real event arrives (demo/demo-project.ts).
    const named =
      request.headers[PROJECT_HEADER] ?? (request.query as { project?: unknown } | undefined)?.project
    const current =
      named === undefined && principal.projects === ALL_PROJECTS
        ? await landingProject(store)
        : request.project
    return { projects: await visibleProjects(principal), current } satisfies ProjectsAnswer
  })

  app.get('/api/keys', async (request) => {
    const principal = request.principal as Principal
    return {
      keys: credentials
        .listKeys()
        .filter((key) => key.project === request.project && mayUseProject(principal, key.project))
        .map(keyView),
    }
  })

  app.post('/api/keys', async (request, reply) => {
    const body = parseOrThrow(newKey, request.body ?? {})
    const { key, record } = await credentials
      .createKey({ project: request.project, role: body.role, name: body.name })
      .catch((error: Error) => {
        throw new HttpError(400, 'bad_request', error.message)
      })
    return reply.status(201).send({ key, ...keyView(record) })
  })

  app.delete('/api/keys/:id', async (request) => {
    const { id } = request.params as { id: string }
    const principal = request.principal as Principal
    const key = credentials.key(id)
    if (!key || !mayUseProject(principal, key.project))
      throw new HttpError(
        404,
        'not_found',
        `no key ${JSON.stringify(id)} in the projects this credential manages`,
      )
    const revoked = await credentials.revokeKey(id)
    return keyView(revoked ?? key)
  })
}
