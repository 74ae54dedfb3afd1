import { type CompatibleProvider, onHosts } from '../compatible/compatible-provider.js'
import { convertOpenAIChatUsage } from '../openai/openai-usage.js'

/**
 * Together AI Chat Completions.
 *
 * Counting rules (docs.together.ai, "Chat Completions" API reference):
 * - `usage: { prompt_tokens, completion_tokens, total_tokens }` (OpenAI's shape), billed per token
 *   at each model's input and output rates. OpenAI's converter counts it.
 * - Streams carry `usage` on their last chunk (the one with the `finish_reason`) unasked: no
 *   `stream_options` is sent.
 * - Model ids are the repository names Together serves (`meta-llama/Llama-3.3-70B-Instruct-Turbo`).
 */
export const TOGETHER: CompatibleProvider = {
  id: 'together',
  matches: onHosts('together.xyz', 'together.ai'),
  convertUsage: convertOpenAIChatUsage,
  askForStreamUsage: false,
}
