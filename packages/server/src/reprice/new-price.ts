import type { Price, PriceBook } from 'spendlens/internal'
import type { LoggedEvent } from '../api/api-types.js'
import { priceInputOf } from '../ingest/settle-price.js'

/** Why a reprice leaves an event's price as it is although the book would price it otherwise. */
export type KeptReason =
  /** The sender supplied the cost (`client`): spendlens does not know how it was reached. */
  | 'client'
  /** Priced by the app's own custom price or discount (`custom:…`, `+<label>`), which the book does not have. */
  | 'rules'
  /** The book does not know the model, and a known cost is never made unknown. */
  | 'unknown'

export type NewPrice =
  | { kind: 'same' }
  | { kind: 'change'; to: Price }
  | { kind: 'keep'; reason: KeptReason; to: Price }

const samePrice = (a: Price, b: Price) =>
  a.cost_usd === b.cost_usd && a.pricing_status === b.pricing_status && a.price_source === b.price_source

/**
 * The price `book` gives a stored event, from its stored token counts at its own time, through the
 * same pricing as ingest (priceInputOf), and whether a reprice should set it. A free operation stays
 * free (its source says so: the event does not keep the operation's terms otherwise).
 *
 * A custom price or discount the book does not have is kept when it came with the event (the app's
 * own config priced it), not when an earlier reprice set it: a price file's prices are the price
 * file's to take back.
 */
export function newPrice(book: PriceBook, event: LoggedEvent): NewPrice {
  const to = book.price({ ...priceInputOf(event), free: event.price_source?.startsWith('free:') ?? false })
  if (samePrice(to, event)) return { kind: 'same' }
  if (event.pricing_status === 'client') return { kind: 'keep', reason: 'client', to }
  const repriced = event.recorded_pricing_status !== undefined
  if (!repriced && event.price_source !== null && !book.knows(event.price_source))
    return { kind: 'keep', reason: 'rules', to }
  if (to.cost_usd === null && event.cost_usd !== null) return { kind: 'keep', reason: 'unknown', to }
  return { kind: 'change', to }
}
