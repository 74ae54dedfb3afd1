import type { CostEvent } from 'spendlens'
import { createPriceBook, priceUsage } from 'spendlens/internal'
import { priceInputOf } from '../src/ingest/settle-price.js'
import { parsePriceFile } from '../src/reprice/price-file.js'
import { costEvent } from './store-contract.js'

/**
 * Events and a price file for the reprice tests (reprice.test.ts on both engines, the CLI in
 * reprice-cli.test.ts), with every cost worked out by hand from the token counts.
 *
 * Catalog prices per 1M tokens: gpt-4o-mini $0.15 input, $0.075 cached input, $0.60 output;
 * claude-haiku-4-5 $1 input, $1.25 cache write, $5 output.
 */

/** Priced as ingest prices an event that arrives without a cost: the catalog at its own ts. */
export const priced = (event: CostEvent): CostEvent => ({ ...event, ...priceUsage(priceInputOf(event)) })

export const EVENTS: CostEvent[] = [
  // (6,000 × 0.15 + 4,000 × 0.075 + 1,000 × 0.60) / 1M = $0.0018
  priced(
    costEvent({
      event_id: 'g1',
      ts: '2026-11-01T10:00:00.000Z',
      input_tokens: 10_000,
      cache_read_tokens: 4_000,
      output_tokens: 1_000,
    }),
  ),
  // (20,000 × 0.15 + 2,000 × 0.60) / 1M = $0.0042
  priced(
    costEvent({ event_id: 'g2', ts: '2026-11-02T10:00:00.000Z', input_tokens: 20_000, output_tokens: 2_000 }),
  ),
  // The same through the Batch API, half: $0.0021
  priced(
    costEvent({
      event_id: 'g3',
      ts: '2026-11-02T11:00:00.000Z',
      input_tokens: 20_000,
      output_tokens: 2_000,
      batch: true,
    }),
  ),
  // (8,000 × 1 + 2,000 × 1.25 + 500 × 5) / 1M = $0.013
  priced(
    costEvent({
      event_id: 'h1',
      ts: '2026-11-01T12:00:00.000Z',
      provider: 'anthropic',
      operation: 'messages',
      model: 'claude-haiku-4-5',
      input_tokens: 10_000,
      cache_write_tokens: 2_000,
      output_tokens: 500,
    }),
  ),
  // A private model the catalog lacks: unpriced.
  priced(
    costEvent({
      event_id: 'u1',
      ts: '2026-11-02T09:00:00.000Z',
      model: 'acme-ft',
      input_tokens: 1_000,
      output_tokens: 100,
    }),
  ),
  // Kept by every reprice: a cost the sender supplied ($0.50), one from another config's custom price
  // ($0.001), one from a catalog that knew a model this one does not ($0.002).
  costEvent({
    event_id: 'c1',
    ts: '2026-11-01T13:00:00.000Z',
    input_tokens: 1_000,
    output_tokens: 100,
    cost_usd: 0.5,
    pricing_status: 'client',
  }),
  costEvent({
    event_id: 'k1',
    ts: '2026-11-02T12:00:00.000Z',
    input_tokens: 1_000,
    output_tokens: 100,
    cost_usd: 0.001,
    price_source: 'custom:globex',
  }),
  costEvent({
    event_id: 'm1',
    ts: '2026-11-01T14:00:00.000Z',
    model: 'mystery-model',
    input_tokens: 1_000,
    output_tokens: 100,
    cost_usd: 0.002,
    price_source: 'genai-prices:openai/mystery-model',
  }),
]

/**
 * From 2026-11-02 gpt-4o-mini costs twice the list price ($0.30 / $0.15 / $1.20), and acme-ft gets
 * a price ($2 / $8).
 */
export const PRICE_FILE = JSON.stringify({
  models: [
    {
      provider: 'openai',
      model: 'gpt-4o-mini',
      prices: { input_mtok: 0.3, cache_read_mtok: 0.15, output_mtok: 1.2 },
      from: '2026-11-02',
      label: 'acme-mini',
    },
    { provider: 'openai', model: 'acme-ft', prices: { input_mtok: 2, output_mtok: 8 } },
  ],
})
export const book = () => createPriceBook(parsePriceFile(PRICE_FILE, 'prices.json'))
