import { currentTags } from '../context.js'
import type { Tags } from '../cost-event.js'
import type { Recorder } from './recorder.js'
import { type MethodSpec, TrackedCall } from './tracked-call.js'

/**
 * Starts one tracked call: the one way `wrap()` and the AI SDK middleware begin a call, so both
 * give a call the same tags, policy, prompt hash and event id.
 *
 * Tags, later winning: `baseTags` (the tracker's, then the client's or the middleware's, merged
 * once by the caller), the `withTags` context, then `callTags` (`tagCall`). A call with neither
 * context nor call tags shares `baseTags` rather than copying it: the hot path allocates nothing
 * for tags. The required-tags policy runs on the result and may throw MissingTagsError, which the
 * callers let through to the call site.
 */
export function startCall(
  recorder: Recorder,
  provider: string,
  spec: MethodSpec,
  request: Record<string, unknown>,
  requestedModel: string | null,
  streamed: boolean,
  baseTags: Tags,
  callTags?: Tags,
  idempotencyKey?: unknown,
): TrackedCall {
  const context = currentTags()
  const merged = context || callTags ? { ...baseTags, ...context, ...callTags } : baseTags
  const tags = recorder.applyTagPolicy(merged)
  const call = new TrackedCall(recorder, provider, spec, tags, requestedModel, streamed)
  // The clients' own idempotency key names one logical request across the caller's retries.
  if (typeof idempotencyKey === 'string' && idempotencyKey.length > 0)
    call.event_id = `idem:${idempotencyKey}`
  // Only read here; the hash is computed when the event is built, off the caller's path.
  if (recorder.hashPrompts && tags.prompt_id === undefined && spec.promptText)
    call.prompt_text = spec.promptText(request)
  return call
}
