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
  const prompt = count(field(usage, 'prompt_tokens'))
  const completion = count(field(usage, 'completion_tokens'))
  const reasoning = count(field(usage, 'completion_tokens_details', 'reasoning_tokens'))
  const total = count(field(usage, 'total_tokens'))
  const reasoningInside =
    total !== null && prompt !== null && completion !== null && total === prompt + completion
  return {
    ...emptyUsage(),
    input_tokens: prompt,
    cache_read_tokens: count(field(usage, 'prompt_tokens_details', 'cached_tokens')),
    output_tokens:
      completion === null ? null : reasoningInside ? completion : sumKnown(completion, reasoning),
    reasoning_tokens: reasoning,
  }
}

export const XAI: CompatibleProvider = {
  id: 'x-ai',
  matches: onHosts('x.ai'),
  convertUsage: convertXaiUsage,
  askForStreamUsage: true,
}
