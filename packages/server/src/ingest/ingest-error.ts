/**
 * Why a whole ingest request was refused (a single bad event is a rejected result instead).
 * `store_unavailable`: the store cannot take events now (disk full or read-only, ClickHouse
 * unreachable with its outage buffer full); nothing of the request was acknowledged, and sending it
 * again after `retryAfterSeconds` is safe.
 */
export type IngestErrorCode =
  | 'bad_request'
  | 'payload_too_large'
  | 'unsupported_encoding'
  | 'store_unavailable'
  | 'internal'

/**
 * An ingest failure with a stable code; the HTTP edge answers it with its status (http/create-app.ts).
 * It crosses from a worker thread as its code and message.
 */
export class IngestError extends Error {
  /** When the client may try again (the HTTP edge's `Retry-After`), for a refusal that passes. */
  readonly retryAfterSeconds: number | undefined

  constructor(
    readonly code: IngestErrorCode,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'IngestError'
    this.retryAfterSeconds = options.retryAfterSeconds
  }
}
