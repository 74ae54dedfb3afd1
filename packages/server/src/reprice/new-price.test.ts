import { createPriceBook } from 'spendlens/internal'
import { describe, expect, it } from 'vitest'
import { costEvent } from '../demo/cost-event.js'
import { newPrice } from './new-price.js'

describe('newPrice of an event priced for a deployment type', () => {
  /*
   * gpt-4o-2024-11-20 on an Azure Data Zone deployment, 1,000,000 input tokens: the catalog's Global
   * price $2.50 × the supplement's 1.1 = $2.75, `estimated`. The deployment is kept nowhere but in
   * price_source's note: a reprice must read it back and find the same price, not the Global $2.50.
   */
  const event = costEvent({
    event_id: 'data-zone',
    ts: '2026-12-01T12:00:00.000Z',
    provider: 'azure',
    model: 'gpt-4o-2024-11-20',
    input_tokens: 1_000_000,
    output_tokens: 0,
    cost_usd: 2.75,
    pricing_status: 'estimated',
    price_source: 'genai-prices:azure/gpt-4o+azure-data-zone10%',
  })

  it('prices it again with the multiplier its price_source names', () => {
    expect(newPrice(createPriceBook(), event)).toEqual({ kind: 'same' })
  })

  it('moves it with the list price, the multiplier kept', () => {
    // A negotiated Global price of $2 per million: × 1.1 = $2.20.
    const book = createPriceBook({
      models: [
        { provider: 'azure', model: 'gpt-4o-2024-11-20', prices: { input_mtok: 2 }, label: 'acme-azure' },
      ],
    })
    expect(newPrice(book, event)).toEqual({
      kind: 'change',
      to: {
        cost_usd: 2.2,
        pricing_status: 'estimated',
        price_source: 'custom:acme-azure+azure-data-zone10%',
      },
    })
  })
})
