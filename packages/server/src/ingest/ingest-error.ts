/** Why a whole ingest request was refused (a single bad event is a rejected result instead). */
export type IngestErrorCode = 'bad_request' | 'payload_too_large' | 'unsupported_encoding' | 'internal'

/**
 * An ingest failure with a stable code; the HTTP edge answers it with its status (http/create-app.ts).
 * It crosses from a worker thread as its code and message.
 */
export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'IngestError'
  }
}
