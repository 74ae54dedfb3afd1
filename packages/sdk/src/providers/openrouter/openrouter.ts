import { type CompatibleProvider, onHosts } from '../compatible/compatible-provider.js'
import { count, field } from '../count.js'
import { convertOpenAIChatUsage, convertOpenAIResponsesTokens } from '../openai/openai-usage.js'

/**
 * What OpenRouter says a call cost: `usage.cost`, in credits (1 credit = 1 US dollar). With BYOK
 * (`is_byok: true`) that is OpenRouter's fee only, and `cost_details.upstream_inference_cost` is
 * what the upstream provider billed the caller's own key: both are spent, so the charge is their sum.
 */
export function openrouterChargedCost(usage: unknown): number | null {
  const cost = count(field(usage, 'cost'))
  if (cost === null) return null
  if (field(usage, 'is_byok') !== true) return cost
  const upstream = count(field(usage, 'cost_details', 'upstream_inference_cost'))
  return upstream === null ? null : cost + upstream
}

/**
 * OpenRouter Chat Completions.
 *
 * Counting rules (openrouter.ai/docs, "Usage Accounting"):
 * - OpenAI's usage shape and inclusion rules, counted with each model's own tokenizer:
 *   `prompt_tokens` includes `prompt_tokens_details.cached_tokens` and `cache_write_tokens`;
 *   `completion_tokens` includes `completion_tokens_details.reasoning_tokens`. OpenAI's converter
 *   counts it.
 * - Every response carries usage with `cost`, and a stream carries it on its last chunk: always,
 *   unasked (`usage: { include: true }` and `stream_options.include_usage` are deprecated no-ops),
 *   so nothing is asked for.
 * - The charged cost (openrouterChargedCost) is the event's cost, `pricing_status: client`: the
 *   route OpenRouter picked may bill another rate than the catalog's. Without it (an older
 *   response), the catalog prices the `vendor/model` id under `openrouter`.
 *
 * Responses API (openrouter.ai/docs, "Responses API Beta", `/api/v1/responses`): OpenAI's Responses
 * usage shape and inclusion rules, with the same `cost` (and `is_byok`, `cost_details`) as on Chat
 * Completions: the charged cost is the event's cost there too, and the catalog's price sits beside
 * it (`computed_cost_usd`).
 */
export const OPENROUTER: CompatibleProvider = {
  id: 'openrouter',
  matches: onHosts('openrouter.ai'),
  convertUsage: convertOpenAIChatUsage,
  askForStreamUsage: false,
  chargedCost: openrouterChargedCost,
  responses: { convertUsage: convertOpenAIResponsesTokens, chargedCost: openrouterChargedCost },
}
