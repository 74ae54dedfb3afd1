import { takeCallTags } from '../call-options.js'
import { currentTags } from '../context.js'
import type { Tags } from '../cost-event.js'
import type { Tracker } from '../tracker.js'
import { detectClient } from './client-kinds.js'
import { observeResult } from './observe-result.js'
import { type MethodSpec, TrackedCall } from './tracked-call.js'

/** Proxies made by wrapClient, with what they wrap, so wrapping one again does not count calls twice. */
const wrapped = new WeakMap<object, { client: object; tags: Tags }>()

/**
 * A Proxy over the client that swaps in tracked versions of the supported methods and leaves every
 * other property alone. Functions are called on the real objects (not the proxy) so the clients'
 * private fields keep working.
 */
export function wrapClient<T extends object>(client: T, tracker: Tracker, wrapTags: Tags = {}): T {
  const inner = wrapped.get(client)
  // Wrapping a wrapped client adds tags to the original instead of recording every call twice.
  if (inner) return wrapClient(inner.client as T, tracker, { ...inner.tags, ...wrapTags })
  const shape = detectClient(client)
  if (!shape) {
    tracker.warn(
      'wrap() was given an object that is not a supported OpenAI or Anthropic client; it is returned untracked',
    )
    return client
  }
  const prefixes = new Set<string>()
  for (const path of Object.keys(shape.methods)) {
    const parts = path.split('.')
    for (let index = 1; index < parts.length; index++) prefixes.add(parts.slice(0, index).join('.'))
  }
  const baseTags = { ...tracker.defaultTags, ...wrapTags }

  function proxy<O extends object>(target: O, path: string): O {
    const cache = new Map<PropertyKey, unknown>()
    return new Proxy(target, {
      get(object, key) {
        const value: unknown = Reflect.get(object, key, object)
        if (typeof key !== 'string') return value
        const cached = cache.get(key)
        if (cached !== undefined && (cached as { original?: unknown }).original === value)
          return (cached as { proxy: unknown }).proxy
        const childPath = path ? `${path}.${key}` : key
        let result: unknown = value
        const spec = shape?.methods[childPath]
        if (spec && typeof value === 'function')
          result = trackedMethod(value as (...args: unknown[]) => unknown, object, spec)
        else if (prefixes.has(childPath) && typeof value === 'object' && value !== null)
          result = proxy(value, childPath)
        else if (typeof value === 'function' && key !== 'constructor') result = value.bind(object)
        else return value
        cache.set(key, { original: value, proxy: result })
        return result
      },
    })
  }

  function trackedMethod(original: (...args: unknown[]) => unknown, owner: object, spec: MethodSpec) {
    return function tracked(...args: unknown[]): unknown {
      let call: TrackedCall
      let callArgs = args
      try {
        const split = takeCallTags(args[1])
        const body = (typeof args[0] === 'object' && args[0] !== null ? args[0] : {}) as Record<
          string,
          unknown
        >
        const context = currentTags()
        const tags = context || split.tags ? { ...baseTags, ...context, ...split.tags } : baseTags
        call = new TrackedCall(
          tracker,
          shape?.provider ?? 'unknown',
          spec,
          tags,
          typeof body.model === 'string' ? body.model : null,
          body.stream === true,
        )
        const preparedBody = spec.prepareBody ? spec.prepareBody(body, call) : body
        if (preparedBody !== body || split.tags) {
          callArgs = [...args]
          if (preparedBody !== body) callArgs[0] = preparedBody
          if (split.tags) callArgs[1] = split.options
        }
      } catch {
        return original.apply(owner, args)
      }
      let result: unknown
      try {
        result = original.apply(owner, callArgs)
      } catch (error) {
        call.finish('error', error)
        throw error
      }
      try {
        return observeResult(result, call)
      } catch {
        return result
      }
    }
  }

  const result = proxy(client, '')
  wrapped.set(result, { client, tags: wrapTags })
  return result
}
