/** Seconds a client is told to wait before sending again to a store that is unavailable. */
export const STORE_RETRY_AFTER_SECONDS = 5

/**
 * The store cannot take the request now, for a reason that passes: its disk is full or read-only,
 * its database must be reopened, its ClickHouse server is unreachable and the outage buffer is
 * full. Nothing of a failed append was acknowledged; sending it again later is safe (an event_id is
 * stored once). Ingest answers it with a 503 and `Retry-After` (ingest/ingest-path.ts).
 */
export class StoreUnavailableError extends Error {
  readonly retryAfterSeconds: number

  constructor(message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, { cause: options.cause })
    this.name = 'StoreUnavailableError'
    this.retryAfterSeconds = options.retryAfterSeconds ?? STORE_RETRY_AFTER_SECONDS
  }
}

/** The message of `error` and of the errors that caused it, for classifying an engine's failure. */
export function errorChainText(error: unknown): string {
  const parts: string[] = []
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? current.message : String(current))
    current = current instanceof Error ? current.cause : undefined
  }
  return parts.join('\n')
}
