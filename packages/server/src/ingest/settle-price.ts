import type { CostEvent } from 'spendlens'
import { deploymentOfPriceSource, type PriceInput, priceUsage, roundToNanos } from 'spendlens/internal'
import type { ParsedCostEvent } from './cost-event-schema.js'

/**
 * Gives every ingested event its final price fields. A cost sent with the event is kept (as
 * `client` unless it says `priced` or `estimated`); an event without one is priced here from its usage, and stays
 * `unpriced` with a null cost when the model is unknown.
 *
 * Settles `event` in place and answers it: the parsed event is ingest's own fresh object, and at
 * tens of thousands of events a second a copy of every event is garbage the collector notices.
 */
export function settlePrice(event: ParsedCostEvent): CostEvent {
  const settled = event as unknown as CostEvent
  if (event.cost_usd !== null) {
    settled.cost_usd = roundToNanos(event.cost_usd)
    settled.pricing_status =
      event.pricing_status === 'priced' || event.pricing_status === 'estimated'
        ? event.pricing_status
        : 'client'
    return settled
  }
  return Object.assign(settled, priceUsage(priceInputOf(event)))
}

/**
 * What pricing reads of an event: its usage, model, tier, deployment and outcome, at its own time.
 * One definition for ingest and for a reprice of stored events, so that both price an event alike.
 * The deployment (Azure data zone, Vertex regional) is kept nowhere but in the multiplier's note in
 * `price_source`, read back here so a reprice applies it again.
 */
export function priceInputOf(
  event: Pick<CostEvent, 'provider' | 'model' | 'ts' | 'service_tier' | 'batch' | 'status' | 'http_status'> &
    Partial<Pick<CostEvent, 'price_source'>> &
    PriceInput['usage'],
): PriceInput {
  return {
    deployment: deploymentOfPriceSource(event.provider, event.price_source ?? null) ?? null,
    provider: event.provider,
    model: event.model,
    usage: event,
    ts: new Date(event.ts),
    service_tier: event.service_tier,
    batch: event.batch,
    status: event.status,
    http_status: event.http_status,
  }
}
