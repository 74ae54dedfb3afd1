import type { CostEvent } from 'spendlens'
import { emptyUsage } from 'spendlens/internal'

/**
 * A complete event: every field set (null where unknown), so a round trip through the store can be
 * compared whole; the tests' events and the anomaly scenario's are built from it.
 */
export function costEvent(overrides: Partial<CostEvent> & Pick<CostEvent, 'event_id' | 'ts'>): CostEvent {
  return {
    schema_version: 1,
    latency_ms: null,
    ttft_ms: null,
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4o-mini',
    requested_model: null,
    provider_request_id: null,
    provider_project: null,
    feature: null,
    route: null,
    customer_id: null,
    user_id: null,
    session_id: null,
    environment: null,
    prompt_id: null,
    tags: {},
    ...emptyUsage(),
    service_tier: null,
    batch: false,
    cost_usd: null,
    cost_partial: false,
    pricing_status: 'priced',
    price_source: null,
    computed_cost_usd: null,
    status: 'ok',
    error_type: null,
    http_status: 200,
    streamed: false,
    sdk: 'spendlens-js/0.1.0',
    ...overrides,
  }
}
