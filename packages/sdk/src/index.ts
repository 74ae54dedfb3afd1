export type { SpendlensMiddleware, SpendlensMiddlewareOptions } from './ai-sdk/spendlens-middleware.js'
export type {
  BudgetExceededHandler,
  BudgetedCall,
  BudgetOptions,
  BudgetResolution,
} from './budgets/budget-guard.js'
export {
  type BudgetMiddlewareOptions,
  type BudgetRefusal,
  budgetRefusal,
  expressBudgetGuard,
  honoBudgetGuard,
  withBudgetGuard,
} from './budgets/budget-middleware.js'
export {
  BLOCKED_CALLS_PATH,
  type BlockedCallCount,
  type BlockedCallsReport,
  BUDGET_STATE_AGE_HEADER,
  type BudgetAction,
  type BudgetFilter,
  type BudgetPeriod,
  type BudgetsAnswer,
  type WireBudget,
} from './budgets/budget-wire.js'
export { tagCall } from './call-options.js'
export { currentTags, withTags } from './context.js'
export {
  ATTRIBUTION_FIELDS,
  type AttributionField,
  type CallStatus,
  type CostEvent,
  type PricingStatus,
  type Tags,
  UNATTRIBUTED,
  USAGE_FIELDS,
  type Usage,
} from './cost-event.js'
export {
  BudgetExceededError,
  BudgetUnavailableError,
  type ExceededBudget,
  MissingTagsError,
  SpendlensError,
} from './errors.js'
export type { CustomModelPrice, PriceDiscount, PricingConfig } from './pricing/price-usage.js'
export { callbackSink } from './sinks/callback-sink.js'
export type { SpoolOptions } from './sinks/disk-spool.js'
export { type FileSinkOptions, fileSink } from './sinks/file-sink.js'
export { type HttpSinkOptions, httpSink } from './sinks/http-sink.js'
export type { Sink, SinkStats } from './sinks/sink.js'
export { type StdoutSinkOptions, stdoutSink } from './sinks/stdout-sink.js'
export { type StoreRow, toStoreRow } from './store-row.js'
export { createTracker, type Tracker, type TrackerOptions } from './tracker.js'
export type { WrapOptions } from './wrap/wrap-client.js'

import {
  createSpendlensMiddleware,
  type SpendlensMiddleware,
  type SpendlensMiddlewareOptions,
} from './ai-sdk/spendlens-middleware.js'
import type { Tags } from './cost-event.js'
import { defaultTrackerOf as tracker } from './default-tracker.js'
import { deploymentProviders, deploymentTypes } from './pricing/supplement.js'
import { recorderOf } from './tracker.js'
import type { WrapOptions } from './wrap/wrap-client.js'

export { init } from './default-tracker.js'

/**
 * Returns `client` (official OpenAI, Anthropic or Google GenAI) with the same behaviour and type;
 * every call of a supported method becomes a priced cost event carrying `tags`.
 */
export function wrap<T extends object>(client: T, tags?: Tags, options?: WrapOptions): T {
  return tracker().wrap(client, tags, options)
}

/**
 * Vercel AI SDK middleware (`ai` v5 and v6): every model call, each step of a multi-step
 * `generateText` / `streamText` included, becomes a priced cost event.
 *
 *   const model = wrapLanguageModel({
 *     model: openai('gpt-4o-mini'),
 *     middleware: spendlensMiddleware({ tags: { feature: 'chat' } }),
 *   })
 */
export function spendlensMiddleware(options: SpendlensMiddlewareOptions = {}): SpendlensMiddleware {
  const { deployment } = options
  const providers = deploymentProviders()
  if (deployment !== undefined && !providers.some((id) => deploymentTypes(id).includes(deployment)))
    throw new Error(
      `spendlens: spendlensMiddleware(): deployment ${JSON.stringify(deployment)} is no deployment type spendlens prices (${providers.map((id) => `${id}: ${deploymentTypes(id).join(', ')}`).join('; ')})`,
    )
  return createSpendlensMiddleware(() => recorderOf(options.tracker ?? tracker()), options.tags, deployment)
}

/** Waits until every pending event has been delivered (or given up on). Call it before a serverless handler returns. */
export function flush(): Promise<void> {
  return tracker().flush()
}
