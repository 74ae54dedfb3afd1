import type { CostEvent } from 'spendlens'
import { priceUsage, roundToNanos } from 'spendlens/internal'
import type { ParsedCostEvent } from './cost-event-schema.js'

/**
 * Gives every ingested event its final price fields. A cost sent with the event is kept (as
 * `client` unless it says `priced` or `estimated`); an event without one is priced here from its usage, and stays
 * `unpriced` with a null cost when the model is unknown.
 */
export function settlePrice(event: ParsedCostEvent): CostEvent {
  if (event.cost_usd !== null) {
    return {
      ...event,
      cost_usd: roundToNanos(event.cost_usd),
      pricing_status:
        event.pricing_status === 'priced' || event.pricing_status === 'estimated'
          ? event.pricing_status
          : 'client',
    }
  }
  const price = priceUsage({
    provider: event.provider,
    model: event.model,
    usage: event,
    ts: new Date(event.ts),
    service_tier: event.service_tier,
    batch: event.batch,
    status: event.status,
    http_status: event.http_status,
  })
  return { ...event, ...price }
}
