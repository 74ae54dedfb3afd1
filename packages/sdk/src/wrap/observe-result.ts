import type { TrackedCall } from './tracked-call.js'

type Thenable = PromiseLike<unknown> & Record<string, unknown>

/**
 * Attaches `call` to what a provider method returned, without changing what the caller gets.
 *
 * The official OpenAI and Anthropic clients return an `APIPromise` (a Promise subclass with
 * `withResponse()`, `asResponse()`…). `_thenUnwrap` is the clients' own way to derive another
 * APIPromise from it, so the caller keeps every helper; `asResponse()` reads only the headers, so
 * observing it neither consumes the body nor leaves a rejection unhandled.
 */
export function observeResult(result: unknown, call: TrackedCall): unknown {
  if (!isThenable(result)) {
    call.finish('ok')
    return result
  }
  if (typeof result._thenUnwrap === 'function' && typeof result.asResponse === 'function') {
    ;(result.asResponse as () => Promise<Response>)().then(
      (response) => {
        call.http_status = response.status
        call.provider_request_id ??=
          response.headers.get('x-request-id') ?? response.headers.get('request-id')
      },
      (error: unknown) => call.finish('error', error),
    )
    return (result._thenUnwrap as (transform: (data: unknown) => unknown) => unknown)((data) =>
      observeData(data, call),
    )
  }
  // Any other promise: observe a branch of it and hand back the original.
  result.then(
    (data) => observeData(data, call),
    (error: unknown) => call.finish('error', error),
  )
  return result
}

function isThenable(value: unknown): value is Thenable {
  return typeof value === 'object' && value !== null && typeof (value as Thenable).then === 'function'
}

function observeData(data: unknown, call: TrackedCall): unknown {
  try {
    if (call.streamed && isAsyncIterable(data)) {
      observeStream(data, call)
      return data
    }
    const requestId = (data as Record<string, unknown> | null)?._request_id
    if (typeof requestId === 'string') call.provider_request_id = requestId
    call.spec.readResponse(data, call)
    call.finish('ok')
  } catch {
    call.finish('ok')
  }
  return data
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> & Record<string, unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value
}

/**
 * The clients' `Stream` reads everything (iteration, `tee()`, `toReadableStream()`) through its
 * `iterator` factory, so replacing that one function on the instance observes every way of
 * consuming the stream while the object, its class and its controller stay the caller's.
 */
function observeStream(stream: AsyncIterable<unknown> & Record<string, unknown>, call: TrackedCall) {
  const factory = stream.iterator
  if (typeof factory === 'function') {
    stream.iterator = function observedIterator(this: unknown) {
      return observeChunks(factory.call(this) as AsyncIterator<unknown>, call, stream)
    }
    return
  }
  const original = stream[Symbol.asyncIterator] as () => AsyncIterator<unknown>
  Object.defineProperty(stream, Symbol.asyncIterator, {
    value: function observedIterator(this: unknown) {
      return observeChunks(original.call(this), call, stream)
    },
    configurable: true,
    writable: true,
  })
}

async function* observeChunks(
  inner: AsyncIterator<unknown>,
  call: TrackedCall,
  stream: Record<string, unknown>,
) {
  let status: 'ok' | 'error' | 'cancelled' = 'cancelled'
  let failure: unknown
  try {
    for await (const chunk of { [Symbol.asyncIterator]: () => inner }) {
      call.markChunk()
      let hidden = false
      try {
        hidden = call.spec.readChunk?.(chunk, call) ?? false
      } catch {
        // a chunk spendlens cannot read is still the caller's
      }
      if (!hidden) yield chunk
    }
    // The clients end the iteration quietly when the caller aborts through the stream's controller.
    const controller = stream.controller as AbortController | undefined
    status = controller?.signal.aborted ? 'cancelled' : 'ok'
  } catch (error) {
    status = 'error'
    failure = error
    throw error
  } finally {
    call.finish(status, failure)
  }
}
