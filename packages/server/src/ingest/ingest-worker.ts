import { parentPort } from 'node:worker_threads'
import { HttpError } from '../http/http-error.js'
import { encodedBuffers, encodeEvents } from '../store/event-columns.js'
import { batchItems, inflateSync } from './decode-body.js'
import { validateItems } from './ingest-events.js'
import type { DecodeAnswer, DecodeRequest } from './ingest-workers.js'

// An ingest worker thread (ingest-workers.ts starts them): turns request bodies into validated,
// priced events encoded as columns, off the server's JavaScript thread.

const port = parentPort
if (!port) throw new Error('ingest-worker.js runs as a worker thread (see ingest-workers.ts)')

port.on('message', (request: DecodeRequest) => {
  let answer: DecodeAnswer
  let transfer: ArrayBuffer[] = []
  try {
    const validated = validateItems(batchItems(inflateSync(request), request.ndjson))
    const batch = encodeEvents(validated.valid)
    const validIndexes = Int32Array.from(validated.validIndexes)
    answer = {
      id: request.id,
      ok: true,
      count: validated.count,
      validIndexes,
      rejected: validated.rejected,
      batch,
    }
    transfer = [...encodedBuffers(batch), validIndexes.buffer]
  } catch (error) {
    answer =
      error instanceof HttpError
        ? { id: request.id, ok: false, status: error.statusCode, code: error.code, message: error.message }
        : {
            id: request.id,
            ok: false,
            status: 500,
            code: 'internal',
            message: String((error as Error)?.stack ?? error),
          }
  }
  port.postMessage(answer, transfer)
})
