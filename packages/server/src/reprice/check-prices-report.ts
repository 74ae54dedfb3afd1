import Table from 'cli-table3'
import type { ModelPrice } from 'spendlens/internal'
import type { PriceCheck } from './check-prices.js'

const TABLE_STYLE = { head: [], border: [], compact: true }
const count = (value: number | undefined) => (value === undefined ? '-' : value.toLocaleString('en-US'))

/** Prices as `key $x` pairs (a tiered price as its base and tiers, as the catalog writes it). */
const describe = (prices: ModelPrice | Record<string, number> | undefined) =>
  prices === undefined
    ? '-'
    : Object.entries(prices)
        .map(([key, price]) => `${key} ${typeof price === 'number' ? `$${price}` : JSON.stringify(price)}`)
        .join(', ')

/** The check as `npm run check:prices` prints it: three tables, each said to be empty when it is. */
export function formatPriceCheck(check: PriceCheck): string[] {
  const out = [
    `Catalog @pydantic/genai-prices ${check.catalog_version}; prices at the last release: ${check.snapshot.taken} (catalog ${check.snapshot.catalog_version}).`,
    '',
  ]
  if (check.unpriced.length === 0) out.push('Models seen with no price: none.')
  else {
    const table = new Table({
      head: ['provider', 'model', 'calls', 'input tokens', 'output tokens', 'seen in'],
      colAligns: ['left', 'left', 'right', 'right', 'right', 'left'],
      style: TABLE_STYLE,
    })
    for (const row of check.unpriced)
      table.push([
        row.provider,
        row.model,
        count(row.requests),
        count(row.input_tokens),
        count(row.output_tokens),
        row.seen_in,
      ])
    out.push('Models seen with no price (their calls are stored unpriced):', table.toString())
  }
  out.push('')
  if (check.changed.length === 0) out.push('Prices changed since the last release: none.')
  else {
    const table = new Table({ head: ['provider', 'model', 'at the release', 'now'], style: TABLE_STYLE })
    for (const row of check.changed)
      table.push([row.provider, row.model, describe(row.before), describe(row.after)])
    out.push('Prices changed since the last release:', table.toString())
  }
  out.push('')
  if (check.covered.length === 0) out.push('Supplement entries the catalog now covers: none.')
  else {
    const table = new Table({
      head: ['supplement entry', 'supplement price', 'catalog', 'catalog price'],
      style: TABLE_STYLE,
    })
    for (const row of check.covered)
      table.push([
        `${row.provider}/${row.model}`,
        describe(row.supplement),
        row.catalog_source,
        describe(row.catalog),
      ])
    out.push(
      'Supplement entries the catalog now covers (remove them from packages/sdk/src/pricing/supplement.json):',
      table.toString(),
    )
  }
  return out
}
