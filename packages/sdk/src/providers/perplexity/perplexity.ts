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

/**
 * Perplexity Agent API (Responses) `usage` → Usage. Perplexity ended Sonar Chat Completions on
 * 2026-09-27: `responses.create` against `https://api.perplexity.ai/v1` is its API now.
 *
 * Counting rules (docs.perplexity.ai, Agent API reference, `ResponsesUsage` and `ResponsesCost`):
 * - OpenAI's Responses shape: `input_tokens` is the whole input, with
 *   `input_tokens_details.cache_read_input_tokens` and `cache_creation_input_tokens` as its parts
 *   (Anthropic's names, OpenAI's inclusion: `total_tokens` = input + output); `output_tokens`.
 * - `usage.cost.total_cost` (US dollars: input, output, cache, and `tool_calls_cost` for the
 *   searches and fetches its tools ran) is what Perplexity charged: the event's cost
 *   (`pricing_status: client`). `tool_calls_details` has no unit in the event and is not counted;
 *   its cost is in the total.
 * - Models are named `vendor/model` (`openai/gpt-5.1`, `perplexity/sonar`): without a charged
 *   cost, the catalog's `perplexity` entries price the ones it knows.
 */
export function convertPerplexityResponsesUsage(usage: unknown): Usage {
  return {
    ...emptyUsage(),
    input_tokens: count(field(usage, 'input_tokens')),
    cache_read_tokens: count(field(usage, 'input_tokens_details', 'cache_read_input_tokens')),
    cache_write_tokens: count(field(usage, 'input_tokens_details', 'cache_creation_input_tokens')),
    output_tokens: count(field(usage, 'output_tokens')),
  }
}

/** What Perplexity charged, in US dollars: `usage.cost.total_cost`, on both APIs. */
const perplexityChargedCost = (usage: unknown) => count(field(usage, 'cost', 'total_cost'))

export const PERPLEXITY: CompatibleProvider = {
  id: 'perplexity',
  matches: onHosts('perplexity.ai'),
  convertUsage: convertPerplexityUsage,
  askForStreamUsage: false,
  chargedCost: perplexityChargedCost,
  responses: { convertUsage: convertPerplexityResponsesUsage, chargedCost: perplexityChargedCost },
}
