import { IngestError, type IngestErrorCode } from '../ingest/ingest-error.js'
import { StoreUnavailableError } from '../store/store-unavailable.js'
import { HttpError } from './http-error.js'

/** The HTTP status of each ingest failure. */
const INGEST_STATUS: Record<IngestErrorCode, number> = {
  bad_request: 400,
  payload_too_large: 413,
  unsupported_encoding: 415,
  store_unavailable: 503,
  internal: 500,
}

/** How the server answers an error: the status, the one error shape's code and message, when to retry. */
export interface ErrorAnswer {
  status: number
  code: string
  message: string
  details?: unknown
  /** Sent as `Retry-After` (seconds): the refusal passes. */
  retryAfterSeconds?: number
  /** Logged with its cause: a 5xx the operator must be able to see without --log. */
  log: boolean
}

/**
 * Every error a route or hook throws, as the answer the client gets. One definition for the
 * server's error shape (create-app.ts) and for OTLP's (otlp-route.ts), which say the same in
 * different bodies.
 */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof HttpError)
    return {
      status: error.statusCode,
      code: error.code,
      message: error.message,
      details: error.details,
      log: false,
    }
  if (error instanceof IngestError && error.code !== 'internal') {
    const status = INGEST_STATUS[error.code]
    return {
      status,
      code: error.code,
      message: error.message,
      retryAfterSeconds: error.retryAfterSeconds,
      log: status >= 500,
    }
  }
  if (error instanceof StoreUnavailableError)
    return {
      status: 503,
      code: 'store_unavailable',
      message: `the store is unavailable now; retry in ${error.retryAfterSeconds} s`,
      retryAfterSeconds: error.retryAfterSeconds,
      log: true,
    }
  const status = (error as { statusCode?: number }).statusCode
  if (typeof status === 'number' && status >= 400 && status < 500)
    return { status, code: 'bad_request', message: (error as Error).message, log: false }
  return { status: 500, code: 'internal', message: 'internal error; see the server log', log: true }
}
