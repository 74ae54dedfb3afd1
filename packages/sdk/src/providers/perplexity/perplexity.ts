import { emptyUsage, type Usage } from '../../cost-event.js'
import { type CompatibleProvider, onHosts } from '../compatible/compatible-provider.js'
import { count, field } from '../count.js'

/**
 * Perplexity (Sonar) Chat Completions `usage` → Usage.
 *
 * Counting rules (docs.perplexity.ai, "Chat Completions" and "Pricing"):
 * - `prompt_tokens` and `completion_tokens` are billed at the model's input and output rates.
 * - Every request also pays a request fee that depends on `search_context_size` (low, medium,
 *   high); the catalog has one request price per model, its high-context one.
 * - sonar-deep-research also bills `num_search_queries` (counted as `web_search_requests`, which the
 *   catalog prices), and `citation_tokens` and `reasoning_tokens` at rates of their own. Those two
 *   are NOT in `completion_tokens`: the event has no unit for them, so they are not counted as
 *   output (nor reasoning, which the event keeps as a subset of output).
 * - `usage.cost.total_cost` is what Perplexity charged, request fee and every token included: the
 *   event's cost (`pricing_status: client`), so the fee by context size and the deep-research units
 *   are exact where it is sent.
 * - Streams carry `usage` on their chunks unasked: no `stream_options` is sent.
 */
export function convertPerplexityUsage(usage: unknown): Usage {
  return {
    ...emptyUsage(),
    input_tokens: count(field(usage, 'prompt_tokens')),
    output_tokens: count(field(usage, 'completion_tokens')),
    web_search_requests: count(field(usage, 'num_search_queries')),
  }
}

export const PERPLEXITY: CompatibleProvider = {
  id: 'perplexity',
  matches: onHosts('perplexity.ai'),
  convertUsage: convertPerplexityUsage,
  askForStreamUsage: false,
  chargedCost: (usage) => count(field(usage, 'cost', 'total_cost')),
}
