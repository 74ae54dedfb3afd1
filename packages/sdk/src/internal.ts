/** For spendlens' own server, demo generator, tests and benchmarks; not a stable API. */

export { convertAiSdkUsage, type ModelFamily } from './ai-sdk/ai-sdk-usage.js'
export { describeModelProvider } from './ai-sdk/spendlens-middleware.js'
export { emptyUsage } from './cost-event.js'
export { describeScope } from './errors.js'
export {
  type ConditionalPrice,
  catalogProviders,
  catalogVersion,
  type MatchLogic,
  type ModelInfo,
  type ModelPrice,
  type Provider,
} from './pricing/catalog.js'
export { modelFamily } from './pricing/model-family.js'
export {
  createPriceBook,
  createPricer,
  deploymentOfPriceSource,
  type FoundPrice,
  isListPriceSource,
  longContextThresholds,
  type Price,
  type PriceBook,
  type PriceInput,
  type Pricer,
  pricePeriods,
  priceUsage,
  roundToNanos,
  type TierAdjustment,
  tierAdjustment,
} from './pricing/price-usage.js'
export { parseSupplement, SUPPLEMENT, type SupplementEntry } from './pricing/supplement.js'
export { convertAnthropicUsage } from './providers/anthropic/anthropic-usage.js'
export { isFreeProvider } from './providers/compatible/compatible-providers.js'
export { count, field, sumKnown } from './providers/count.js'
export { convertGoogleUsage } from './providers/google/google-usage.js'
export {
  convertOpenAIChatUsage,
  convertOpenAIEmbeddingsUsage,
  convertOpenAIResponsesUsage,
} from './providers/openai/openai-usage.js'
export { buildCostEvent, type CallRecord } from './record/build-cost-event.js'
export type { Recorder } from './record/recorder.js'
export { fromStoreRow, NANOS_PER_USD, type StoreRow, toStoreRow } from './store-row.js'
export { recorderOf } from './tracker.js'
export { SDK_NAME, SDK_VERSION } from './version.js'
