import { ANTHROPIC_METHODS } from '../anthropic/anthropic-methods.js'
import { pricedByRequestedModel } from '../requested-model.js'

/**
 * Anthropic models on Google Cloud Vertex AI, through `@anthropic-ai/vertex-sdk` (AnthropicVertex),
 * recorded as provider `vertex` (priced under the catalog's `google`, whose entries include
 * Anthropic's models).
 *
 * Counting rules: the Messages API's, unchanged (anthropic/anthropic-usage.ts).
 *
 * Pricing: by the id the request names (`claude-sonnet-4-5@20250929`), the one Vertex's console
 * and invoice show. The catalog's prices are the global endpoint's; Vertex bills regional endpoints
 * of Claude Sonnet 4.5 and later 10% above them: the client's `region` (or wrap's `deployment`)
 * tells the endpoint, and the supplement's `deployments` multiplier prices it (wrap/client-kinds.ts).
 *
 * Gemini on Vertex AI (`new GoogleGenAI({ vertexai: true })`) keeps Gemini's counting rules
 * (google/google-usage.ts) and is recorded as `vertex` too, priced at the catalog's Gemini prices.
 */
export const VERTEX_ANTHROPIC_METHODS = pricedByRequestedModel(ANTHROPIC_METHODS)
