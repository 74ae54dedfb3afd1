import { emptyUsage, type Usage } from '../../cost-event.js'
import { type CompatibleProvider, onHosts } from '../compatible/compatible-provider.js'
import { count, field, sumKnown } from '../count.js'

/**
 * DeepSeek Chat Completions `usage` → Usage.
 *
 * Counting rules (api-docs.deepseek.com, "Create Chat Completion" and "Context Caching"):
 * - `prompt_tokens` = `prompt_cache_hit_tokens` + `prompt_cache_miss_tokens`: the input total, with
 *   the hits as its cache-read subset (billed at the cache-hit rate). The hit count is DeepSeek's own
 *   field; `prompt_tokens_details.cached_tokens`, where sent, says the same.
 * - `completion_tokens` includes `completion_tokens_details.reasoning_tokens` (deepseek-reasoner's
 *   chain of thought), all billed at the output rate.
 * - Streams carry usage only when asked (`stream_options.include_usage`, which DeepSeek honours).
 * - Off-peak discounts are prices by time of day: the catalog prices a call at its start time.
 */
export function convertDeepseekUsage(usage: unknown): Usage {
  const hits = count(field(usage, 'prompt_cache_hit_tokens'))
  const misses = count(field(usage, 'prompt_cache_miss_tokens'))
  return {
    ...emptyUsage(),
    input_tokens: count(field(usage, 'prompt_tokens')) ?? sumKnown(hits, misses),
    cache_read_tokens: hits ?? count(field(usage, 'prompt_tokens_details', 'cached_tokens')),
    output_tokens: count(field(usage, 'completion_tokens')),
    reasoning_tokens: count(field(usage, 'completion_tokens_details', 'reasoning_tokens')),
  }
}

export const DEEPSEEK: CompatibleProvider = {
  id: 'deepseek',
  matches: onHosts('deepseek.com'),
  convertUsage: convertDeepseekUsage,
  askForStreamUsage: true,
}
