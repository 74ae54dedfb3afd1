import { readFile } from 'node:fs/promises'
import type { PricingConfig } from 'spendlens'
import { createPriceBook, type PriceBook } from 'spendlens/internal'
import { z } from 'zod'

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day as YYYY-MM-DD')
const modelRule = z.union([z.string().min(1), z.strictObject({ startsWith: z.string().min(1) })])

/**
 * A price file (`spendlens reprice --prices`, `spendlens prices --prices`): the SDK's PricingConfig
 * as JSON, so the prices an app gives its tracker and the ones history is repriced with are written
 * the same way (docs/reprice.md).
 */
const priceFileSchema = z.strictObject({
  models: z
    .array(
      z.strictObject({
        provider: z.string().min(1),
        model: modelRule,
        prices: z.record(z.string(), z.number().nonnegative()),
        from: day.optional(),
        until: day.optional(),
        label: z.string().min(1).optional(),
      }),
    )
    .default([]),
  discounts: z
    .array(
      z.strictObject({
        provider: z.string().min(1),
        model: modelRule.optional(),
        factor: z.number().positive(),
        label: z.string().min(1).optional(),
      }),
    )
    .default([]),
})

/** A price file's config, checked: every mistake named with its place in the file. */
export function parsePriceFile(text: string, name: string): PricingConfig {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(`${name}: not JSON (${(error as Error).message})`)
  }
  const parsed = priceFileSchema.safeParse(json)
  if (!parsed.success)
    throw new Error(
      `${name}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ')}`,
    )
  return parsed.data
}

/** The price book of a price file's text (`name` says where it came from in errors). Throws on a bad file. */
export function priceBookOf(text: string, name: string): PriceBook {
  const config = parsePriceFile(text, name)
  try {
    return createPriceBook(config)
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message.replace(/^spendlens: /, '')}`)
  }
}

/** The price book of a price file, or of the catalog alone when there is none. Throws on a bad file. */
export async function loadPriceBook(path: string | undefined): Promise<PriceBook> {
  if (path === undefined) return createPriceBook()
  return priceBookOf(await readFile(path, 'utf8'), path)
}
