import type { CustomModelPrice } from './custom-model-price.js'
import data from './supplement.json' with { type: 'json' }

/**
 * One published price the catalog lacks, as reviewed: the price (priced like a custom price) and
 * where and when a person read it, so a reviewer can check it against the provider's page.
 */
export interface SupplementEntry extends CustomModelPrice {
  /** Recorded in `price_source` as `spendlens-supplement:<label>`. */
  label: string
  /** The provider's page the price was read from (https). */
  source: string
  /** The UTC day (`YYYY-MM-DD`) the price was last checked against `source`. */
  checked: string
}

const DAY = /^\d{4}-\d{2}-\d{2}$/
const KEYS = new Set(['provider', 'model', 'prices', 'from', 'until', 'label', 'source', 'checked'])

/**
 * The supplement file's entries, checked: a file with a mistake throws naming the entry and the
 * field, so a bad edit fails the first test that loads the SDK, never a live call. Written by hand
 * rather than with zod so that the SDK keeps the price catalog as its only dependency.
 */
export function parseSupplement(json: unknown): SupplementEntry[] {
  const entries = (json as { entries?: unknown } | null)?.entries
  if (!Array.isArray(entries)) throw new Error('spendlens supplement: expected { "entries": [...] }')
  return entries.map((entry: Record<string, unknown>, index) => {
    const fail = (field: string, expected: string): never => {
      throw new Error(
        `spendlens supplement: entries.${index}.${field}: expected ${expected} (got ${JSON.stringify(entry?.[field])})`,
      )
    }
    if (typeof entry !== 'object' || entry === null) fail('', 'an object')
    for (const key of Object.keys(entry)) if (!KEYS.has(key)) fail(key, 'no such field')
    const text = (field: string) => typeof entry[field] === 'string' && (entry[field] as string).length > 0
    if (!text('provider')) fail('provider', 'a provider id')
    const model = entry.model as CustomModelPrice['model'] | undefined
    const modelOk =
      (typeof model === 'string' && model.length > 0) ||
      (typeof model === 'object' &&
        model !== null &&
        Object.keys(model).join() === 'startsWith' &&
        typeof model.startsWith === 'string' &&
        model.startsWith.length > 0)
    if (!modelOk) fail('model', 'a model id or { "startsWith": prefix }')
    const prices = entry.prices as Record<string, unknown> | undefined
    if (
      typeof prices !== 'object' ||
      prices === null ||
      Object.keys(prices).length === 0 ||
      !Object.values(prices).every((price) => typeof price === 'number' && price >= 0)
    )
      fail('prices', "the catalog's price keys with dollar amounts >= 0")
    if (!text('label')) fail('label', 'a label')
    if (!text('source') || !/^https:\/\/\S+$/.test(entry.source as string)) fail('source', 'an https URL')
    for (const field of ['checked', 'from', 'until'])
      if (
        (field === 'checked' || entry[field] !== undefined) &&
        !(text(field) && DAY.test(entry[field] as string))
      )
        fail(field, 'a day as YYYY-MM-DD')
    return entry as unknown as SupplementEntry
  })
}

/** spendlens' supplement (supplement.json), checked at load. */
export const SUPPLEMENT: readonly SupplementEntry[] = parseSupplement(data)
