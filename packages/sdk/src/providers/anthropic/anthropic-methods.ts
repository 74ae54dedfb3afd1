import type { MethodSpec, TrackedCall } from '../../record/tracked-call.js'
import { field } from '../count.js'
import { convertAnthropicUsage } from './anthropic-usage.js'

/** Anthropic reports `standard`/`priority`/`batch`; the event keeps `default`/`priority` and a batch flag. */
function readTier(usage: unknown, call: TrackedCall) {
  const tier = field(usage, 'service_tier')
  if (typeof tier !== 'string') return
  if (tier === 'batch') call.batch = true
  call.service_tier = tier === 'standard' || tier === 'batch' ? 'default' : tier
}

const streamUsage = new WeakMap<TrackedCall, Record<string, unknown>>()
/** The stream's code-execution container, from `message_start` or a `message_delta`. */
const streamContainer = new WeakMap<TrackedCall, unknown>()

/**
 * The code-execution container a stream event names: `message_start.message.container` or
 * `message_delta.delta.container`; undefined for any other event. A later event without one does
 * not take it away (the AI SDK middleware reads raw events through this too).
 */
export function anthropicStreamContainer(event: unknown): unknown {
  const type = field(event, 'type')
  const container =
    type === 'message_start'
      ? field(event, 'message', 'container')
      : type === 'message_delta'
        ? field(event, 'delta', 'container')
        : undefined
  return container || undefined
}

/**
 * `messages.create`. Streamed: `message_start.message.usage` carries the input and cache counts
 * (its output_tokens is a placeholder); each `message_delta.usage` carries CUMULATIVE counts, so
 * later values replace earlier ones and are never added.
 */
export const anthropicMessages: MethodSpec = {
  operation: 'messages',
  promptText(body) {
    const system = body.system
    if (typeof system === 'string') return system || undefined
    if (!Array.isArray(system)) return undefined
    const text = system
      .map((block) => (typeof field(block, 'text') === 'string' ? field(block, 'text') : ''))
      .join('\n')
    return text || undefined
  },
  readResponse(data, call) {
    const model = field(data, 'model')
    if (typeof model === 'string') call.model = model
    const usage = field(data, 'usage')
    readTier(usage, call)
    call.usage = convertAnthropicUsage(usage, field(data, 'container'))
  },
  readChunk(chunk, call) {
    const type = field(chunk, 'type')
    let usage: unknown
    if (type === 'message_start') {
      const model = field(chunk, 'message', 'model')
      if (typeof model === 'string') call.model = model
      // Its output_tokens is a placeholder (1): left out so an abandoned stream does not report it.
      const startUsage = field(chunk, 'message', 'usage')
      usage =
        startUsage && typeof startUsage === 'object' ? { ...startUsage, output_tokens: null } : startUsage
    } else if (type === 'message_delta') {
      usage = field(chunk, 'usage')
    }
    const container = anthropicStreamContainer(chunk)
    if (container) streamContainer.set(call, container)
    if (!usage || typeof usage !== 'object') return false
    const merged = streamUsage.get(call) ?? {}
    for (const [key, value] of Object.entries(usage))
      if (value !== null && value !== undefined) merged[key] = value
    streamUsage.set(call, merged)
    readTier(merged, call)
    call.usage = convertAnthropicUsage(merged, streamContainer.get(call))
    return false
  },
}

export const ANTHROPIC_METHODS: Record<string, MethodSpec> = {
  'messages.create': anthropicMessages,
}
