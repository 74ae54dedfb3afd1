import { emptyUsage, type Usage } from '../../cost-event.js'
import { type CompatibleProvider, onHosts } from '../compatible/compatible-provider.js'
import { count, field, sumKnown } from '../count.js'

/**
 * xAI Chat Completions `usage` → Usage.
 *
 * Counting rules (docs.x.ai, chat completions reference and "Reasoning"):
 * - `prompt_tokens` includes `prompt_tokens_details.cached_tokens` (text, image and cached tokens
 *   are parts of it), as OpenAI's does.
 * - `completion_tokens_details.reasoning_tokens` are NOT part of `completion_tokens`, and are billed
 *   at the output rate: output_tokens = completion + reasoning, reasoning kept as its subset.
 *   `total_tokens` (prompt + completion + reasoning) shows it; a response whose total leaves the
 *   reasoning out (total = prompt + completion) already counts it in completion, and it is not
 *   added twice.
 * - `num_sources_used` (Live Search sources, billed per source) has no unit in the event: counted
 *   nowhere, not priced (docs/sdk.md, limits).
 * - Streams send usage on every chunk, cumulative: the last one wins. `stream_options.include_usage`
 *   is honoured.
 */
export function convertXaiUsage(usage: unknown): Usage {
  return xaiUsage(
    count(field(usage, 'prompt_tokens')),
    count(field(usage, 'prompt_tokens_details', 'cached_tokens')),
    count(field(usage, 'completion_tokens')),
    count(field(usage, 'completion_tokens_details', 'reasoning_tokens')),
    count(field(usage, 'total_tokens')),
  )
}

/**
 * xAI Responses API `usage` → Usage.
 *
 * Counting rules (docs.x.ai, Responses API reference, "Reasoning" and "Consumption"; xAI calls the
 * Responses API the recommended one and Chat Completions deprecated):
 * - The Chat Completions rules under OpenAI's Responses names: `input_tokens` includes
 *   `input_tokens_details.cached_tokens`; `output_tokens_details.reasoning_tokens` are billed at the
 *   output rate and are NOT part of `output_tokens`, which `total_tokens` (input + output +
 *   reasoning) shows: output_tokens = output + reasoning, unless the total leaves the reasoning out
 *   (total = input + output), where it is already inside.
 * - `num_sources_used`, `num_server_side_tools_used` and `server_side_tool_usage_details` (xAI's
 *   server-side tools, billed per call at xAI's rates) have no price in the catalog: not counted.
 *   `cost_in_usd_ticks` is not read (docs/sdk.md, limits).
 * - The output items' tool calls are counted as OpenAI's are (countOpenAIToolCalls).
 * - Streamed, the usage is on the terminal `response.completed` event, as OpenAI's.
 */
export function convertXaiResponsesUsage(usage: unknown): Usage {
  return xaiUsage(
    count(field(usage, 'input_tokens')),
    count(field(usage, 'input_tokens_details', 'cached_tokens')),
    count(field(usage, 'output_tokens')),
    count(field(usage, 'output_tokens_details', 'reasoning_tokens')),
    count(field(usage, 'total_tokens')),
  )
}

/** xAI's one rule on both APIs: reasoning tokens are billed as output, and sent outside it. */
function xaiUsage(
  input: number | null,
  cached: number | null,
  output: number | null,
  reasoning: number | null,
  total: number | null,
): Usage {
  const reasoningInside = total !== null && input !== null && output !== null && total === input + output
  return {
    ...emptyUsage(),
    input_tokens: input,
    cache_read_tokens: cached,
    output_tokens: output === null ? null : reasoningInside ? output : sumKnown(output, reasoning),
    reasoning_tokens: reasoning,
  }
}

export const XAI: CompatibleProvider = {
  id: 'x-ai',
  matches: onHosts('x.ai'),
  convertUsage: convertXaiUsage,
  askForStreamUsage: true,
  responses: { convertUsage: convertXaiResponsesUsage },
}
