/**
 * A charged event: one whose cost the provider charged and answered with (OpenRouter, Perplexity:
 * `pricing_status: client`, `price_source: charged:<provider>`, docs/pricing.md), the catalog's price
 * of the same usage kept beside it in `computed_cost_nanos` (null when the catalog cannot price it).
 * A cost the sender supplied without the `charged:` source is its own figure, not the provider's,
 * and has no catalog price to be set against. The query metrics charged_* and computed_cost_usd, on
 * the events (compile-query.ts) and in the rollup (rollup-tables.ts), read only these events, so the
 * charged and the catalog's figures cover the same calls.
 */
export const CHARGED_EVENT = "(pricing_status = 'client' AND price_source LIKE 'charged:%')"

/** CHARGED_EVENT in JavaScript, over one store row. */
export function isCharged(row: { pricing_status: string; price_source: string | null }): boolean {
  return row.pricing_status === 'client' && (row.price_source?.startsWith('charged:') ?? false)
}

/** A charged event the catalog has no price for: the catalog's figure leaves it out. */
export const CHARGED_UNPRICED_EVENT = `(${CHARGED_EVENT} AND computed_cost_nanos IS NULL)`
