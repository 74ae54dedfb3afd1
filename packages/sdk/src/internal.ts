/** For spendlens' own server and demo generator; not a stable API. */
export { buildCostEvent, type CallRecord } from './build-cost-event.js'
export { emptyUsage } from './cost-event.js'
export { priceUsage, roundToNanos } from './pricing/price-usage.js'
export { convertAnthropicUsage } from './providers/anthropic/anthropic-usage.js'
export { convertGoogleUsage } from './providers/google/google-usage.js'
export {
  convertOpenAIChatUsage,
  convertOpenAIEmbeddingsUsage,
  convertOpenAIResponsesUsage,
} from './providers/openai/openai-usage.js'
export { fromStoreRow, NANOS_PER_USD, type StoreRow, toStoreRow } from './store-row.js'
export { SDK_NAME, SDK_VERSION } from './version.js'
