import type { Tags } from './cost-event.js'

const CALL_TAGS = Symbol.for('spendlens.callTags')

/**
 * Tags for one call, passed in the provider's own request-options argument so the request body the
 * provider sees is untouched:
 *
 *   await openai.chat.completions.create(body, tagCall({ feature: 'summarize' }, { timeout: 10_000 }))
 *
 * The tags travel under a symbol key, which the wrapper removes before the client sees the options.
 */
export function tagCall<O extends object = Record<string, never>>(tags: Tags, options?: O): O {
  return Object.assign({}, options, { [CALL_TAGS]: tags }) as O
}

/** Splits call tags out of a request-options argument, returning options without them. */
export function takeCallTags(options: unknown): { tags: Tags | undefined; options: unknown } {
  if (options === null || typeof options !== 'object' || !(CALL_TAGS in options))
    return { tags: undefined, options }
  const { [CALL_TAGS]: tags, ...rest } = options as Record<PropertyKey, unknown>
  return { tags: tags as Tags, options: rest }
}
