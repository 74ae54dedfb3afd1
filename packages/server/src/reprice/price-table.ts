import Table from 'cli-table3'
import type { ModelPrice } from 'spendlens/internal'
import type { ModelPrices, PricePeriod } from './model-prices.js'

/** How the catalog's price keys read: the unit a key's suffix says, and a name for what it prices. */
const UNITS: [suffix: string, unit: string][] = [
  ['_mtok', 'per 1M tokens'],
  ['_mchars', 'per 1M characters'],
  ['_kcount', 'per 1,000'],
  ['_kpages', 'per 1,000 pages'],
  ['_hours', 'per hour'],
]

const NAMES: Record<string, string> = {
  input_mtok: 'input',
  cache_read_mtok: 'cached input (cache read)',
  cache_write_mtok: 'cache write',
  cache_write_1h_mtok: 'cache write, 1-hour TTL',
  output_mtok: 'output (reasoning included)',
  input_audio_mtok: 'input audio',
  cache_audio_read_mtok: 'cached input audio',
  output_audio_mtok: 'output audio',
  input_image_mtok: 'input image',
  cache_image_read_mtok: 'cached input image',
  output_image_mtok: 'output image',
  input_mchars: 'input characters',
  audio_hours: 'audio',
  web_searches_kcount: 'web searches',
  requests_kcount: 'requests',
}

/** The keys in a sensible reading order: the usual token kinds first, then the rest by name. */
function orderedKeys(periods: readonly { prices: ModelPrice }[]): string[] {
  const keys = new Set(periods.flatMap((period) => Object.keys(period.prices)))
  const known = Object.keys(NAMES).filter((key) => keys.has(key))
  return [...known, ...[...keys].filter((key) => !(key in NAMES)).sort()]
}

function label(key: string): string {
  const unit = UNITS.find(([suffix]) => key.endsWith(suffix))
  const name = NAMES[key] ?? (unit ? key.slice(0, -unit[0].length) : key).replaceAll('_', ' ')
  return unit ? `${name}, ${unit[1]}` : name
}

/** A price as dollars; a long-context price as its base and each tier above its threshold. */
function priceText(value: ModelPrice[string]): string {
  if (value === undefined) return '-'
  if (typeof value === 'number') return `$${value}`
  return [
    `$${value.base}`,
    ...value.tiers.map((tier) => `$${tier.price} above ${tier.start.toLocaleString('en-US')} input tokens`),
  ].join('; ')
}

function periodName(period: PricePeriod): string {
  if (period.from === null && period.until === null) return 'always'
  if (period.from === null) return `until ${period.until}`
  if (period.until === null) return `from ${period.from}`
  return `${period.from} to ${period.until}`
}

const ORIGINS = { custom: 'price file', catalog: 'catalog', supplement: 'spendlens supplement' }

/** `spendlens prices MODEL` as text: per token kind, the price of each period, and where each comes from. */
export function formatModelPrices(found: ModelPrices): string[] {
  const out = [
    `${found.provider}/${found.model}, in US dollars (catalog: @pydantic/genai-prices ${found.catalogVersion}):`,
  ]
  const table = new Table({
    head: [
      '',
      ...found.periods.map(
        (period, index) => `${periodName(period)}${found.at?.period === index ? ' ◀ at' : ''}`,
      ),
    ],
    style: { head: [], border: [], compact: true },
  })
  for (const key of orderedKeys(found.periods))
    table.push([label(key), ...found.periods.map((period) => priceText(period.prices[key]))])
  table.push([
    'from',
    ...found.periods.map((period) => (period.origin ? ORIGINS[period.origin] : 'no price')),
  ])
  table.push(['price_source', ...found.periods.map((period) => period.source ?? '-')])
  out.push(table.toString())
  out.push('Reasoning tokens are part of output and billed at the output rate, never on top.')
  for (const window of found.dailyWindows)
    out.push(
      `Every day ${window.start}–${window.end} (catalog): ${Object.entries(window.prices)
        .map(([key, value]) => `${label(key)} ${priceText(value)}`)
        .join('; ')}.`,
    )
  if (found.tiers.length > 0)
    out.push(
      `Tiers (applied by spendlens on top): ${found.tiers
        .map((rule) =>
          rule.estimated
            ? `${rule.tier} at the standard rate, marked estimated (${rule.note})`
            : `${rule.tier} ×${rule.factor} (${rule.note})`,
        )
        .join('; ')}.`,
    )
  if (found.discount) out.push(`Discount (price file): ×${found.discount.factor} (+${found.discount.label}).`)
  if (found.at) {
    const period = found.periods[found.at.period]
    out.push(
      period
        ? `At ${found.at.ts}: ${periodName(period)}, ${period.source}.`
        : `At ${found.at.ts}: no price (the model is unpriced then).`,
    )
  }
  return out
}
