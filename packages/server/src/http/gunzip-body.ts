import { PassThrough, type Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import type { FastifyRequest } from 'fastify'
import { HttpError } from './http-error.js'

/**
 * A Fastify `preParsing` hook: a body sent with `content-encoding: gzip` is decompressed as it
 * streams in. At most `limit` decompressed bytes are accepted (a small gzip body can inflate a
 * thousandfold), and a corrupt body is a 400 in the usual error shape, never a crash.
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

    const gunzip = createGunzip()
    const body = new PassThrough()
    let encodedBytes = 0
    let decodedBytes = 0
    const fail = (error: HttpError) => {
      payload.unpipe(gunzip)
      gunzip.destroy()
      // Let the rest of the request drain so the reply can be sent on a clean connection.
      payload.resume()
      body.destroy(error)
    }
    payload.on('data', (chunk: Buffer) => {
      encodedBytes += chunk.length
    })
    payload.on('error', (error) => body.destroy(error))
    gunzip.on('data', (chunk: Buffer) => {
      decodedBytes += chunk.length
      if (decodedBytes > limit)
        return fail(
          new HttpError(413, 'payload_too_large', `the decompressed body is larger than ${limit} bytes`),
        )
      body.write(chunk)
    })
    gunzip.on('end', () => body.end())
    gunzip.on('error', (error) =>
      fail(new HttpError(400, 'bad_request', `the body is not valid gzip (${error.message})`)),
    )
    payload.pipe(gunzip)
    // Fastify compares this, not the decompressed length, with content-length.
    Object.defineProperty(body, 'receivedEncodedLength', { get: () => encodedBytes })
    return body
  }
}
