import { type CompatibleProvider, onHosts } from '../compatible/compatible-provider.js'
import { convertOpenAIChatUsage } from '../openai/openai-usage.js'

/**
 * Fireworks AI Chat Completions.
 *
 * Counting rules (docs.fireworks.ai, "Create Chat Completion"):
 * - OpenAI's usage shape (`prompt_tokens`, `completion_tokens`, `prompt_tokens_details.cached_tokens`
 *   as a subset of the prompt), billed per token. OpenAI's converter counts it.
 * - Streams carry `usage` on their last chunk unasked: no `stream_options` is sent.
 * - Model ids are full resource names (`accounts/fireworks/models/deepseek-v3p2`), as the catalog
 *   names them; a model the catalog lacks stays unpriced.
 */
export const FIREWORKS: CompatibleProvider = {
  id: 'fireworks',
  matches: onHosts('fireworks.ai'),
  convertUsage: convertOpenAIChatUsage,
  askForStreamUsage: false,
}
