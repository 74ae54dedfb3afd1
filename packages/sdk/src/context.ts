import { AsyncLocalStorage } from 'node:async_hooks'
import type { Tags } from './cost-event.js'

const storage = new AsyncLocalStorage<Tags>()

/**
 * Runs `fn` with tags that every tracked call inside it (across awaits) carries. Nested calls merge,
 * the inner value winning. A web middleware typically wraps each request:
 *
 *   app.use((req, res, next) => withTags({ customer_id: req.user.org, route: req.path }, next))
 */
export function withTags<T>(tags: Tags, fn: () => T): T {
  const outer = storage.getStore()
  return storage.run(outer ? { ...outer, ...tags } : { ...tags }, fn)
}

/** The tags of the current async context (empty when none). */
export function currentTags(): Tags | undefined {
  return storage.getStore()
}
