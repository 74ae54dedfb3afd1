import { parentPort } from 'node:worker_threads'
import { batchFormat } from '../store/batch-format.js'
import { inflateSync } from './decode-body.js'
import { IngestError } from './ingest-error.js'
import { type DecodeAnswer, type DecodeRequest, decodeInflated } from './ingest-workers.js'

// An ingest worker thread (ingest-workers.ts starts them): turns request bodies into validated,
// priced events encoded in the store's format, off the server's JavaScript thread.

const port = parentPort
if (!port) throw new Error('ingest-worker.js runs as a worker thread (see ingest-workers.ts)')

port.on('message', (request: DecodeRequest) => {
  let answer: DecodeAnswer
  let transfer: ArrayBuffer[] = []
  try {
    const decoded = decodeInflated(
      inflateSync(request),
      request,
      request.format,
      request.window,
      request.project,
    )
    const validIndexes = Int32Array.from(decoded.validIndexes)
    answer = { id: request.id, ok: true, ...decoded, validIndexes }
    transfer = [...batchFormat(request.format).transferables(decoded.batch), validIndexes.buffer]
  } catch (error) {
    answer =
      error instanceof IngestError
        ? { id: request.id, ok: false, code: error.code, message: error.message }
        : {
            id: request.id,
            ok: false,
            code: 'internal',
            message: String((error as Error)?.stack ?? error),
          }
  }
  port.postMessage(answer, transfer)
})
