import { takeCallTags } from '../call-options.js'
import type { Tags } from '../cost-event.js'
import { SpendlensError } from '../errors.js'
import { deploymentProviders, deploymentTypes } from '../pricing/supplement.js'
import type { Recorder } from '../record/recorder.js'
import { startCall } from '../record/start-call.js'
import type { MethodSpec, TrackedCall } from '../record/tracked-call.js'
import { detectClient } from './client-kinds.js'
import { observeResult } from './observe-result.js'
import { requestHeader } from './request-header.js'

export interface WrapOptions {
  /**
   * Who bills this client's calls, when it cannot be told from the client: an OpenAI client pointed
   * at a gateway or a self-hosted endpoint, say. Default: from the client (and its `baseURL`).
   */
  provider?: string
  /**
   * The provider's own project or workspace this client's calls are billed to (`provider_project`),
   * for a client that cannot tell it: an Anthropic workspace (set by the API key), say. Default:
   * from the client (OpenAI's `project` option). An `OpenAI-Project` header on a call still wins.
   */
  providerProject?: string
  /**
   * The deployment type or endpoint this client's calls go to, where it changes the price and the
   * client cannot tell it: Azure OpenAI `global` (the list price), `data-zone` or `regional`;
   * Vertex AI `global` or `regional`. Default: the list price's (`global`), or for Vertex the
   * client's `region` (`global` or a region). Priced with the supplement's multiplier, named in
   * `price_source` (docs/pricing.md#deployment-types-and-endpoints).
   */
  deployment?: string
}

interface Wrapped {
  client: object
  tags: Tags
  options: WrapOptions
}

/** Proxies made by wrapClient, with what they wrap, so wrapping one again does not count calls twice. */
const wrapped = new WeakMap<object, Wrapped>()

type AnyFunction = (...args: unknown[]) => unknown

/**
 * A Proxy over the client that swaps in tracked versions of the supported methods and leaves the
 * rest alone.
 *
 * - The client's own functions run on the real client (its private `#fields` need the real `this`).
 * - Functions of the resources on the way to a tracked method (`chat.completions.parse`,
 *   `messages.stream`, Gemini `chats.create`, …) run with the resource's proxy as `this`, and any
 *   reference to a proxied object (a resource's `_client`, a chat's `modelsModule`) reads as its
 *   proxy: the clients' helpers call `this.create` or `this._client.….create` internally, so each of
 *   their requests is recorded exactly once, by the tracked method.
 * - `withOptions()` returns a wrapped copy.
 */
export function wrapClient<T extends object>(
  client: T,
  recorder: Recorder,
  wrapTags: Tags = {},
  options: WrapOptions = {},
): T {
  const inner = wrapped.get(client)
  // Wrapping a wrapped client adds tags to the original instead of recording every call twice.
  if (inner) {
    return wrapClient(
      inner.client as T,
      recorder,
      { ...inner.tags, ...wrapTags },
      { ...inner.options, ...options },
    )
  }
  const shape = detectClient(client, options.provider)
  if (!shape) {
    recorder.warn('wrap() was given an object that is not a supported LLM client; it is returned untracked')
    return client
  }
  const provider = shape.provider
  const deployment = options.deployment ?? shape.deployment ?? null
  if (options.deployment !== undefined) {
    const known = deploymentTypes(provider)
    if (!known.includes(options.deployment))
      throw new Error(
        known.length === 0
          ? `spendlens: wrap(): deployment ${JSON.stringify(options.deployment)} given for provider ${provider}, which prices no deployment types (${deploymentProviders().join(' and ')} do)`
          : `spendlens: wrap(): deployment ${JSON.stringify(options.deployment)} is not one of ${provider}'s: ${known.join(', ')}`,
      )
  }
  // The project header means something only to the provider that defines it (not to Groq behind
  // an OpenAI client).
  const billing = shape.project?.provider === provider ? shape.project : undefined
  const clientProject = options.providerProject ?? billing?.fromClient ?? null
  const prefixes = new Set<string>(shape.helperPaths)
  for (const path of Object.keys(shape.methods)) {
    const parts = path.split('.')
    for (let index = 1; index < parts.length; index++) prefixes.add(parts.slice(0, index).join('.'))
  }
  // The real objects on the way to tracked methods, and their proxies: a helper that holds a
  // reference to one (a resource's `_client`, a Gemini chat's `modelsModule`) gets the proxy.
  const proxies = new Map<object, object>()
  const baseTags = { ...recorder.defaultTags, ...wrapTags }

  function proxy<O extends object>(target: O, path: string): O {
    const existing = proxies.get(target)
    if (existing) return existing as O
    const cache = new Map<PropertyKey, { original: unknown; result: unknown }>()
    const self: O = new Proxy(target, {
      get(object, key) {
        const value: unknown = Reflect.get(object, key, object)
        if (typeof key !== 'string') return value
        if (typeof value === 'object' && value !== null) {
          const known = proxies.get(value)
          if (known) return known
        }
        const cached = cache.get(key)
        if (cached && cached.original === value) return cached.result
        const childPath = path ? `${path}.${key}` : key
        const spec = shape?.methods[childPath]
        let result: unknown
        if (spec && typeof value === 'function') result = trackedMethod(value as AnyFunction, object, spec)
        else if (prefixes.has(childPath) && typeof value === 'object' && value !== null)
          result = proxy(value, childPath)
        else if (path === '' && key === 'withOptions' && typeof value === 'function') {
          result = (...args: unknown[]) =>
            wrapClient((value as AnyFunction).apply(object, args) as object, recorder, wrapTags, options)
        } else if (typeof value === 'function' && key !== 'constructor')
          result = value.bind(path === '' ? object : self)
        else return value
        cache.set(key, { original: value, result })
        return result
      },
    })
    proxies.set(target, self)
    return self
  }

  function trackedMethod(original: AnyFunction, owner: object, spec: MethodSpec) {
    return function tracked(...args: unknown[]): unknown {
      let call: TrackedCall
      let callArgs = args
      try {
        const split = takeCallTags(args[1])
        const body = (typeof args[0] === 'object' && args[0] !== null ? args[0] : {}) as Record<
          string,
          unknown
        >
        call = startCall(
          recorder,
          provider,
          spec,
          body,
          typeof body.model === 'string' ? body.model : null,
          spec.alwaysStreams === true || body.stream === true,
          baseTags,
          split.tags,
          (split.options as { idempotencyKey?: unknown } | undefined)?.idempotencyKey,
        )
        const callProject = billing && requestHeader(split.options, billing.header)
        call.provider_project = callProject === undefined ? clientProject : callProject
        call.deployment = deployment
        spec.readRequest?.(body, call)
        // The budgets, before anything is sent: a spent one throws here, or switches the model.
        let requestBody = body
        const admission =
          recorder.budgets.enabled &&
          recorder.budgets.admit(
            {
              provider,
              model: call.model ?? call.requested_model,
              operation: spec.operation,
              tags: call.tags,
              providerProject: call.provider_project,
              serviceTier: typeof body.service_tier === 'string' ? body.service_tier : null,
              status: 'ok',
            },
            call,
            'id',
          )
        if (admission && typeof admission.model === 'string') {
          requestBody = { ...body, model: admission.model }
          call.requested_model = admission.model
          call.model = null
          spec.readRequest?.(requestBody, call)
        }
        const preparedBody = spec.prepareBody ? spec.prepareBody(requestBody, call) : requestBody
        if (preparedBody !== body || split.tags) {
          callArgs = [...args]
          if (preparedBody !== body) callArgs[0] = preparedBody
          if (split.tags) callArgs[1] = split.options
        }
      } catch (error) {
        // A policy the app asked for (required tags) fails at the call site; anything else is
        // spendlens' own problem and the call goes ahead untracked.
        if (SpendlensError.isInstance(error)) throw error
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

  const root = proxy(client, '')
  // Proxy every object on the way to a tracked method now, so references held elsewhere map to them.
  for (const path of prefixes) {
    let target: unknown = client
    for (const key of path.split('.')) target = (target as Record<string, unknown> | undefined)?.[key]
    if (typeof target === 'object' && target !== null) proxy(target, path)
  }
  wrapped.set(root, { client, tags: wrapTags, options })
  return root
}
