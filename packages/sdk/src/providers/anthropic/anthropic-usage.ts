import { emptyUsage, type Usage } from '../../cost-event.js'
import { count, field, sumKnown } from '../count.js'

/**
 * Anthropic Messages `usage` → Usage.
 *
 * Counting rules (provider-usage.md), the opposite of OpenAI's:
 * - `input_tokens` does NOT include cached tokens. Total input = input_tokens +
 *   cache_creation_input_tokens + cache_read_input_tokens.
 * - `cache_creation.ephemeral_1h_input_tokens` is the 1-hour part of the cache writes (priced 2× input
 *   instead of 1.25×); the rest of `cache_creation_input_tokens` is 5-minute writes.
 * - `server_tool_use.web_search_requests` is billed per request; `server_tool_use.web_fetch_requests`
 *   is counted but has no fee of its own (the fetched content is billed as input tokens).
 * - Code execution is billed by container hour, not by request: the message's `container` (passed as
 *   `container`) counts as one session, which the pricing cannot price per call.
 * - In a stream, `message_delta.usage` is cumulative: the caller of this converter passes the merged
 *   object (later values replace earlier ones), never a sum.
 */
export function convertAnthropicUsage(usage: unknown, container?: unknown): Usage {
  const uncached = count(field(usage, 'input_tokens'))
  const cacheWrite = count(field(usage, 'cache_creation_input_tokens'))
  const cacheRead = count(field(usage, 'cache_read_input_tokens'))
  return {
    ...emptyUsage(),
    input_tokens: sumKnown(uncached, cacheWrite, cacheRead),
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
    cache_write_1h_tokens: count(field(usage, 'cache_creation', 'ephemeral_1h_input_tokens')),
    output_tokens: count(field(usage, 'output_tokens')),
    // Extended thinking is billed as output and included in output_tokens; where the API breaks
    // it out, it is recorded as the reasoning subset, never added.
    reasoning_tokens: count(field(usage, 'output_tokens_details', 'thinking_tokens')),
    web_search_requests: count(field(usage, 'server_tool_use', 'web_search_requests')),
    web_fetch_requests: count(field(usage, 'server_tool_use', 'web_fetch_requests')),
    code_interpreter_sessions: typeof field(container, 'id') === 'string' ? 1 : null,
  }
}
