import { Readable } from 'node:stream'
import { gunzip } from 'node:zlib'
import type { FastifyRequest } from 'fastify'
import { HttpError } from './http-error.js'

/** Inflate in 1 MB steps: each step is a callback on the event loop (the default is 16 KB). */
const INFLATE_CHUNK = 1024 * 1024

/**
 * A Fastify `preParsing` hook: a body sent with `content-encoding: gzip` is decompressed before it
 * is parsed. At most `limit` decompressed bytes are accepted (a small gzip body can inflate a
 * thousandfold), and a corrupt body is a 400 in the usual error shape, never a crash.
 *
 * The compressed body (a tenth of the size) is collected first and inflated in one call on libuv's
 * thread pool, which hands the parser a single buffer: inflating as a stream cost the event loop a
 * few hundred callbacks and a copy per request.
 */
export function gunzipBody(limit: number) {
  return async (request: FastifyRequest, _reply: unknown, payload: Readable): Promise<Readable> => {
    const encoding = String(request.headers['content-encoding'] ?? 'identity')
      .trim()
      .toLowerCase()
    if (encoding === 'identity' || encoding === '') return payload
    if (encoding !== 'gzip' && encoding !== 'x-gzip')
      throw new HttpError(
        415,
        'unsupported_encoding',
        `content-encoding ${encoding} is not supported; send gzip or an uncompressed body`,
      )

    const chunks: Buffer[] = []
    let encodedBytes = 0
    for await (const chunk of payload) {
      encodedBytes += (chunk as Buffer).length
      if (encodedBytes > limit)
        throw new HttpError(413, 'payload_too_large', `the body is larger than ${limit} bytes`)
      chunks.push(chunk as Buffer)
    }
    const decoded = await new Promise<Buffer>((resolve, reject) =>
      gunzip(
        Buffer.concat(chunks, encodedBytes),
        { maxOutputLength: limit, chunkSize: INFLATE_CHUNK },
        (error, result) => {
          if (!error) return resolve(result)
          if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
            return reject(
              new HttpError(413, 'payload_too_large', `the decompressed body is larger than ${limit} bytes`),
            )
          reject(new HttpError(400, 'bad_request', `the body is not valid gzip (${error.message})`))
        },
      ),
    )
    const body = Readable.from([decoded], { objectMode: false })
    // Fastify compares this, not the decompressed length, with content-length.
    Object.defineProperty(body, 'receivedEncodedLength', { get: () => encodedBytes })
    return body
  }
}
