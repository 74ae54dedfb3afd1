import { PROJECT_HEADER } from '../http/authenticate.js'

/** No spendlens server answered at the address. */
export class ServerUnreachableError extends Error {
  override name = 'ServerUnreachableError'
}

export interface ServerRequest {
  /** Sent as JSON. */
  body?: unknown
  /** The project the request acts on (X-Spendlens-Project); the key's own without it. */
  project?: string
}

/**
 * A running spendlens server, as the CLI's data commands use it (store-or-server.ts): its admin
 * routes, with an admin key as a bearer token. An error answer becomes an Error with the server's
 * message and what to do about a missing or wrong key.
 */
export class ServerClient {
  readonly url: string

  constructor(
    url: string,
    private readonly key: string | undefined,
  ) {
    this.url = url.endsWith('/') ? url : `${url}/`
  }

  async request(method: string, path: string, request: ServerRequest = {}): Promise<Response> {
    const headers: Record<string, string> = {}
    if (this.key !== undefined) headers.authorization = `Bearer ${this.key}`
    if (request.project !== undefined) headers[PROJECT_HEADER] = request.project
    if (request.body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await fetch(new URL(path, this.url), {
        method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      })
    } catch (error) {
      throw new ServerUnreachableError(
        `no spendlens server answers at ${this.url} (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message})`,
        { cause: error },
      )
    }
    if (response.ok) return response
    const answer = (await response.json().catch(() => null)) as {
      error?: { code?: string; message?: string }
    } | null
    const message = answer?.error?.message ?? `${response.status} ${response.statusText}`
    const hint =
      response.status === 401
        ? this.key === undefined
          ? ': it needs an admin key (--key, or $SPENDLENS_ADMIN_KEY; make one with `spendlens keys create --role admin` while it is stopped, or POST /api/keys)'
          : ': check the key given with --key or $SPENDLENS_ADMIN_KEY'
        : answer?.error?.code === 'forbidden'
          ? ' (this needs an admin key)'
          : ''
    throw new Error(`the server at ${this.url} refused ${method} /${path}: ${message}${hint}`)
  }

  async json<T>(method: string, path: string, request: ServerRequest = {}): Promise<T> {
    return (await (await this.request(method, path, request)).json()) as T
  }
}
