import { createPriceBook } from './price-usage.js'

/**
 * The model's catalog family: the price catalog's entry that the model id matches
 * (`gpt-4o-2024-08-06` and `gpt-4o` are both `gpt-4o`; `claude-sonnet-4-20250514` is
 * `claude-sonnet-4-0`), or spendlens' supplement's (`tts-1`); a model neither knows (a private
 * fine-tune, a self-hosted model) is its own family. The catalog keeps a snapshot apart only where
 * its price differs (`gpt-4o-2024-05-13`), so a family is also one price list.
 *
 * Of the model as an event records it: the one the response reported, or the one asked for when
 * none came back (a failed call), so a failed call counts in the family it asked for.
 *
 * The list prices only: a server's or an app's own prices (PricingConfig) do not change a family,
 * so every store derives the same one from the same catalog (docs/event-schema.md, "model_family").
 */
export function modelFamily(provider: string, model: string): string {
  const key = `${provider}\u0000${model}`
  let family = families.get(key)
  if (family === undefined) {
    family = lookUp(provider, model)
    // Bounded: a sender inventing model ids cannot grow it without end.
    if (families.size >= MAX_CACHED) families.clear()
    families.set(key, family)
  }
  return family
}

const MAX_CACHED = 10_000
const families = new Map<string, string>()
const listPrices = createPriceBook()
/** The catalog's entries carry no dates of their own: any instant finds the same entry. */
const ANY_TIME = new Date(0)

function lookUp(provider: string, model: string): string {
  const found = listPrices.find(provider, model, ANY_TIME)
  if (!found) return model
  if (found.origin === 'catalog') return found.model.id
  // A supplement entry is recorded as `<provider>/<model>`: its model part.
  const label = found.source.slice(found.source.indexOf(':') + 1)
  return label.slice(label.indexOf('/') + 1)
}
