import { gunzip, gunzipSync } from 'node:zlib'
import type { OtlpEncoding } from '../otlp/otlp-items.js'
import { IngestError } from './ingest-error.js'
import type { BatchItem } from './ingest-events.js'

/** Largest request body, decompressed. */
export const BODY_LIMIT = 10 * 1024 * 1024

/** Inflate in 1 MB steps (zlib's default, 16 KB, makes hundreds of steps of a batch). */
const INFLATE_CHUNK = 1024 * 1024

/**
 * An ingest request body as received: its bytes, whether gzipped, whether NDJSON, and for
 * POST /v1/traces its OTLP encoding (the body is then an ExportTraceServiceRequest, not events).
 */
export interface RawBody {
  bytes: Uint8Array
  gzip: boolean
  ndjson: boolean
  otlp?: OtlpEncoding
}

/**
 * Whether a body with this `content-encoding` is gzipped; any encoding but gzip and identity is
 * refused (unsupported_encoding: 415 at the HTTP edge). The SDK gzips its batches (about a tenth of the bytes).
 */
export function isGzip(header: string | string[] | undefined): boolean {
  const encoding = String(header ?? 'identity')
    .trim()
    .toLowerCase()
  if (encoding === 'identity' || encoding === '') return false
  if (encoding === 'gzip' || encoding === 'x-gzip') return true
  throw new IngestError(
    'unsupported_encoding',
    `content-encoding ${encoding} is not supported; send gzip or an uncompressed body`,
  )
}

function inflateError(error: Error): IngestError {
  // At most BODY_LIMIT bytes come out: a small gzip body can inflate a thousandfold.
  if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
    return new IngestError('payload_too_large', `the decompressed body is larger than ${BODY_LIMIT} bytes`)
  return new IngestError('bad_request', `the body is not valid gzip (${error.message})`)
}

const INFLATE_OPTIONS = { maxOutputLength: BODY_LIMIT, chunkSize: INFLATE_CHUNK }

/** The body decompressed, on this thread (an ingest worker's). */
export function inflateSync(body: RawBody): Uint8Array {
  if (!body.gzip) return body.bytes
  try {
    return gunzipSync(body.bytes, INFLATE_OPTIONS)
  } catch (error) {
    throw inflateError(error as Error)
  }
}

/** The body decompressed on libuv's thread pool (when no ingest worker runs). */
export function inflate(body: RawBody): Promise<Uint8Array> {
  if (!body.gzip) return Promise.resolve(body.bytes)
  return new Promise((resolve, reject) =>
    gunzip(body.bytes, INFLATE_OPTIONS, (error, result) =>
      error ? reject(inflateError(error)) : resolve(result),
    ),
  )
}

/**
 * Whether a decompressed JSON or NDJSON body may hold a NUL or a lone surrogate in a string. Both
 * can only arrive as a `\u` escape: JSON forbids a raw control character, and UTF-8 decoding turns
 * invalid bytes (an encoded surrogate among them) into U+FFFD. A body without any `\u` holds
 * neither, and its events skip that check (about 15 ns an event to scan, against 700 to check every
 * string). JSON.stringify escapes nothing else, so that is almost every body.
 */
export function mayHoldUnsafeText(decoded: Uint8Array): boolean {
  return Buffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength).indexOf('\\u') !== -1
}

/**
 * The items of a decompressed body: a JSON array, one JSON object, or NDJSON (one event per line,
 * a bad line rejected on its own). A body that is none of them, or holds no item, is a 400.
 *
 * Plain JSON.parse: Fastify's parser also scans every body for `__proto__` and `constructor` keys,
 * a sixth of the time parsing takes. The validator copies only the fields it knows into fresh
 * objects, so such keys never reach anything.
 */
export function batchItems(decoded: Uint8Array, ndjson: boolean, noun = 'event'): BatchItem[] {
  const text = Buffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength).toString('utf8')
  let items: BatchItem[]
  if (ndjson) {
    items = text
      .split('\n')
      .map((line, number) => ({ line: line.trim(), number: number + 1 }))
      .filter(({ line }) => line.length > 0)
      .map(({ line, number }) => {
        try {
          return { value: JSON.parse(line) as unknown }
        } catch {
          return { error: `line ${number}: not valid JSON` }
        }
      })
  } else {
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch (error) {
      throw new IngestError('bad_request', `the body is not valid JSON (${(error as Error).message})`)
    }
    if (Array.isArray(body)) items = body.map((value) => ({ value }))
    else if (body !== null && typeof body === 'object') items = [{ value: body }]
    else
      throw new IngestError(
        'bad_request',
        `body must be a JSON array of ${noun}s, one ${noun} object, or NDJSON`,
      )
  }
  if (items.length === 0) throw new IngestError('bad_request', 'the batch is empty')
  return items
}
