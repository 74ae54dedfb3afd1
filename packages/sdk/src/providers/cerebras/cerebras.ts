import { type CompatibleProvider, onHosts } from '../compatible/compatible-provider.js'
import { convertOpenAIChatUsage } from '../openai/openai-usage.js'

/**
 * Cerebras Inference Chat Completions.
 *
 * Counting rules (inference-docs.cerebras.ai, "Chat Completions"):
 * - OpenAI's usage shape (`prompt_tokens` with `prompt_tokens_details.cached_tokens` as its subset,
 *   `completion_tokens` including `completion_tokens_details.reasoning_tokens`), billed per token.
 *   OpenAI's converter counts it. `time_info` is latency, not a billed unit.
 * - Streams carry `usage` on their last chunk unasked: no `stream_options` is sent.
 */
export const CEREBRAS: CompatibleProvider = {
  id: 'cerebras',
  matches: onHosts('cerebras.ai'),
  convertUsage: convertOpenAIChatUsage,
  askForStreamUsage: false,
}
