import { type CompatibleProvider, onHosts } from '../compatible/compatible-provider.js'
import { field } from '../count.js'
import { OPENAI_RESPONSES } from '../openai/openai-methods.js'
import { convertOpenAIChatUsage } from '../openai/openai-usage.js'

/**
 * Groq Chat Completions.
 *
 * Counting rules (console.groq.com/docs, API reference "Chat" and "Prompt caching"):
 * - OpenAI's usage shape and inclusion rules: `prompt_tokens` includes
 *   `prompt_tokens_details.cached_tokens` on the models that cache; `completion_tokens` includes
 *   `completion_tokens_details.reasoning_tokens`. So OpenAI's converter counts it.
 * - `queue_time`, `prompt_time`, `completion_time` and `total_time` are seconds of latency, not
 *   billed units: left out.
 * - Streamed, the usage arrives on the last chunk as `x_groq.usage` without being asked for, so
 *   spendlens sends no `stream_options`.
 *
 * Responses API (console.groq.com/docs, "Responses API", `/openai/v1/responses`): OpenAI's usage
 * shape and inclusion rules (`input_tokens` includes `input_tokens_details.cached_tokens`,
 * `output_tokens` includes `output_tokens_details.reasoning_tokens`), usage on the terminal
 * `response.completed` event, not in `x_groq`: OpenAI's Responses rules count it.
 */
export const GROQ: CompatibleProvider = {
  id: 'groq',
  matches: onHosts('groq.com'),
  convertUsage: convertOpenAIChatUsage,
  askForStreamUsage: false,
  chunkUsage: (chunk) => field(chunk, 'x_groq', 'usage'),
  responses: OPENAI_RESPONSES,
}
