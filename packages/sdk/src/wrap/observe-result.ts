import type { TrackedCall } from '../record/tracked-call.js'

type Thenable = PromiseLike<unknown> & Record<string, unknown>

/**
 * Attaches `call` to what a provider method returned, without changing what the caller gets.
 *
 * The official OpenAI and Anthropic clients return an `APIPromise` (a Promise subclass with
 * `withResponse()`, `asResponse()`…) that parses the body with its own `parseResponse(client,
 * props)`, read from the instance when the caller first awaits it (or one of the clients' helpers
 * derives another APIPromise from it with `_thenUnwrap`). Replacing that function on the instance
 * observes the parsed data and its `Response` with one promise reaction, and the caller keeps the
 * very object the client returned. A failed request is observed on the promise of the response
 * (`responsePromise`, what `asResponse()` reads), which settles before any body is read: observing
 * it neither consumes the body, nor changes what `asResponse()` does (Anthropic's stops retrying a
 * broken body there), nor leaves a rejection unhandled. A client without those (an older one)
 * is observed through `_thenUnwrap`, the clients' own way to derive an APIPromise.
 */
export function observeResult(result: unknown, call: TrackedCall): unknown {
  if (!isThenable(result)) {
    call.finish('ok')
    return result
  }
  if (typeof result._thenUnwrap === 'function' && typeof result.asResponse === 'function') {
    const failed = (error: unknown) => call.finish('error', error)
    const responses = isThenable(result.responsePromise)
      ? result.responsePromise
      : (result.asResponse as () => Promise<Response>)()
    responses.then(undefined, failed)
    const parse = result.parseResponse
    if (typeof parse === 'function' && Object.hasOwn(result, 'parseResponse')) {
      result.parseResponse = function observedParse(this: unknown, client: unknown, props: unknown) {
        return (parse.call(this, client, props) as Promise<unknown>).then((data) =>
          observeData(data, call, (props as { response?: Response } | undefined)?.response),
        )
      }
      return result
    }
    return (result._thenUnwrap as (transform: (data: unknown, props: unknown) => unknown) => unknown)(
      (data, props) => observeData(data, call, (props as { response?: Response } | undefined)?.response),
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

/**
 * Reads a call's answer: its data, and the HTTP response it came in where the client hands it over.
 * The request id is the client's own `_request_id` on the data where it set one (OpenAI reads
 * `x-request-id`, Anthropic `request-id`), else the response's header.
 */
function observeData(data: unknown, call: TrackedCall, response?: Response): unknown {
  try {
    if (response && !call.finished) {
      call.http_status = response.status
      const requestId = (data as Record<string, unknown> | null)?._request_id
      if (typeof requestId === 'string') call.provider_request_id = requestId
      else
        call.provider_request_id ??=
          response.headers.get('x-request-id') ?? response.headers.get('request-id')
    }
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
  if (typeof stream.next === 'function') {
    observeGenerator(stream as AsyncGenerator<unknown> & Record<string, unknown>, call)
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

/**
 * `@google/genai` resolves to an async generator, which the caller may drive with `for await` or by
 * calling `next()` itself. Its `next`, `return` and `throw` are replaced on the instance (keeping
 * their property attributes) by functions that call the originals and observe how they settle; a
 * generator's `[Symbol.asyncIterator]` returns the object itself, so `for await` goes through them
 * too. The caller keeps the same object and sees the same results, in the same order.
 */
function observeGenerator(generator: AsyncGenerator<unknown> & Record<string, unknown>, call: TrackedCall) {
  const original = {
    next: generator.next as AsyncGenerator<unknown>['next'],
    return: generator.return as AsyncGenerator<unknown>['return'],
    throw: generator.throw as AsyncGenerator<unknown>['throw'],
  }
  const replace = (key: 'next' | 'return' | 'throw', value: unknown) => {
    const own = Object.getOwnPropertyDescriptor(generator, key)
    Object.defineProperty(generator, key, {
      value,
      writable: own?.writable ?? true,
      enumerable: own?.enumerable ?? false,
      configurable: true,
    })
  }
  // A step the caller asked for: a chunk (read it), the end (ok) or a failure (error).
  async function observeStep(step: Promise<IteratorResult<unknown>>, endStatus: 'ok' | 'cancelled') {
    let result: IteratorResult<unknown>
    try {
      result = await step
      while (!result.done && readChunk(call, result.value)) result = await original.next.call(generator)
    } catch (error) {
      // A failing return()/throw() is still the caller ending the stream, not a provider failure.
      if (endStatus === 'cancelled') call.finish('cancelled')
      else call.finish('error', error)
      throw error
    }
    if (result.done) call.finish(endStatus)
    return result
  }
  replace('next', function next(...args: [] | [unknown]) {
    return observeStep(original.next.apply(generator, args), 'ok')
  })
  // The caller ending the iteration early (`break` in a for-await calls `return()`) abandons the call.
  if (typeof original.return === 'function') {
    replace('return', function return_(value?: unknown) {
      return observeStep(original.return.call(generator, value), 'cancelled')
    })
  }
  if (typeof original.throw === 'function') {
    replace('throw', function throw_(error?: unknown) {
      return observeStep(original.throw.call(generator, error), 'cancelled')
    })
  }
}

/** Reads one chunk for the call; true when the chunk exists only because spendlens asked for it. */
function readChunk(call: TrackedCall, chunk: unknown): boolean {
  call.markChunk()
  try {
    // A chunk can arrive after the call finished: a read already in flight when the caller cancelled
    // (a ReadableStream from `toReadableStream()`). It still decides what the caller sees, so it is
    // read, but onto a throwaway view of the call, never onto the recorded one.
    const target = call.finished ? (Object.create(call) as TrackedCall) : call
    return call.spec.readChunk?.(chunk, target) ?? false
  } catch {
    return false // a chunk spendlens cannot read is still the caller's
  }
}

/**
 * The caller's view of a client Stream: the same chunks, minus those spendlens asked for. A plain
 * iterator rather than an async generator, which would add a few microseconds to every chunk.
 */
function observeChunks(
  inner: AsyncIterator<unknown>,
  call: TrackedCall,
  stream: Record<string, unknown>,
): AsyncIterableIterator<unknown> {
  const fail = (error: unknown): never => {
    call.finish('error', error)
    throw error
  }
  const settle = (
    result: IteratorResult<unknown>,
  ): IteratorResult<unknown> | Promise<IteratorResult<unknown>> => {
    if (result.done) {
      // The clients end the iteration quietly when the caller aborts through the stream's controller.
      const aborted = (stream.controller as AbortController | undefined)?.signal.aborted
      call.finish(aborted ? 'cancelled' : 'ok')
      return result
    }
    return readChunk(call, result.value) ? inner.next().then(settle, fail) : result
  }
  return {
    next: () => inner.next().then(settle, fail),
    // `break` in a for-await, or the caller giving up: the call is abandoned.
    return(value?: unknown) {
      call.finish('cancelled')
      return inner.return ? inner.return(value) : Promise.resolve({ done: true, value })
    },
    throw(error?: unknown) {
      call.finish('cancelled')
      return inner.throw ? inner.throw(error) : Promise.reject(error)
    },
    [Symbol.asyncIterator]() {
      return this
    },
  }
}
