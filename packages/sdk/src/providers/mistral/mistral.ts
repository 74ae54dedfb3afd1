import { type CompatibleProvider, onHosts } from '../compatible/compatible-provider.js'
import { OPENAI_RESPONSES } from '../openai/openai-methods.js'
import { convertOpenAIChatUsage } from '../openai/openai-usage.js'

/**
 * Mistral (La Plateforme) Chat Completions.
 *
 * Counting rules (docs.mistral.ai, API "Chat Completion"):
 * - `usage: { prompt_tokens, completion_tokens, total_tokens }`, billed at the model's input and
 *   output rates; a `prompt_tokens_details.cached_tokens`, where sent, is a subset of the prompt as
 *   OpenAI's. OpenAI's converter counts it.
 * - Streams end with a chunk that carries `usage` unasked. Mistral rejects `stream_options` with
 *   a 422 ("Extra inputs are not permitted"), so spendlens never sends it.
 * - Model ids are Mistral's own (`mistral-large-latest`, `mistral-small-2506`): the catalog matches
 *   the aliases to their priced model.
 *
 * Responses API (docs.mistral.ai, "Responses API", public preview; `/v1/responses`, stateless): "the
 * OpenAI Responses format", usage on the response and on the terminal `response.completed` event:
 * OpenAI's Responses rules count it.
 */
export const MISTRAL: CompatibleProvider = {
  id: 'mistral',
  matches: onHosts('mistral.ai'),
  convertUsage: convertOpenAIChatUsage,
  askForStreamUsage: false,
  responses: OPENAI_RESPONSES,
}
