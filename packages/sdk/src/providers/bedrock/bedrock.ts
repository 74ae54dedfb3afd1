import { ANTHROPIC_METHODS } from '../anthropic/anthropic-methods.js'
import { pricedByRequestedModel } from '../requested-model.js'

/**
 * Anthropic models on Amazon Bedrock, through `@anthropic-ai/bedrock-sdk` (AnthropicBedrock),
 * recorded as provider `bedrock` (the price catalog's `aws`).
 *
 * Counting rules: the Messages API's, unchanged (anthropic/anthropic-usage.ts): Bedrock passes
 * Anthropic's `usage` through.
 *
 * Pricing: by the id the request names (`anthropic.claude-sonnet-4-5-20250929-v1:0`, or an
 * inference profile `us.anthropic.…`, `global.anthropic.…`), not by the response's `model`
 * (`claude-sonnet-4-5-20250929`): Bedrock bills geographic profiles and in-region calls of the
 * newer models 10% above global ones, and the catalog prices each id so.
 */
export const BEDROCK_METHODS = pricedByRequestedModel(ANTHROPIC_METHODS)
