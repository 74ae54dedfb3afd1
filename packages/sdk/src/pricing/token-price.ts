import {
  type Usage as CatalogUsage,
  calcPrice,
  type ModelInfo,
  type ModelPrice,
} from '@pydantic/genai-prices'

/**
 * The catalog's engine (`calcPrice`) checks a price entry's units against one another on every call
 * (ancestors, joins, a unit graph built anew each time): most of the CPU a priced call costs. For
 * the prices nearly every model has (tokens in and out, cache reads and writes), this does the
 * same arithmetic, in the same order, with those checks done once per price entry. Anything else
 * (another unit, a count missing or invalid, a time-of-day price) answers undefined and the caller
 * asks the engine, as before. Each entry's compiled form is compared with the engine on probe
 * usages first and is only used when they agree to the last bit.
 */

interface UnitDefinition {
  usageKey: string
  dimensions: Record<string, string>
  per: number
  /**
   * A call without this count is billed none of it: no count spendlens passes the engine is a part
   * of this unit, so the engine infers nothing for it (a tool call the call did not make).
   */
  missingIsZero?: boolean
}

/** The units spendlens computes itself: usage key, dimensions (their count orders them), direction. */
const UNITS: Record<string, UnitDefinition> = {
  input_mtok: { usageKey: 'input_tokens', dimensions: { direction: 'input', family: 'tokens' }, per: 1e6 },
  output_mtok: { usageKey: 'output_tokens', dimensions: { direction: 'output', family: 'tokens' }, per: 1e6 },
  cache_read_mtok: {
    usageKey: 'cache_read_tokens',
    dimensions: { direction: 'input', family: 'tokens', token_type: 'cache_read' },
    per: 1e6,
  },
  cache_write_mtok: {
    usageKey: 'cache_write_tokens',
    dimensions: { direction: 'input', family: 'tokens', token_type: 'cache_write' },
    per: 1e6,
  },
  cache_write_1h_mtok: {
    usageKey: 'cache_write_1h_tokens',
    dimensions: { cache_ttl: '1h', direction: 'input', family: 'tokens', token_type: 'cache_write' },
    per: 1e6,
  },
  web_searches_kcount: {
    usageKey: 'web_searches',
    dimensions: { family: 'tool_calls', tool_type: 'web_search' },
    per: 1e3,
    missingIsZero: true,
  },
  storage_searches_kcount: {
    usageKey: 'storage_searches',
    dimensions: { family: 'tool_calls', tool_type: 'storage_search' },
    per: 1e3,
    missingIsZero: true,
  },
}

interface Tiered {
  base: number
  /** Ascending by start. */
  tiers: { start: number; price: number }[]
}

interface Unit {
  usageKey: string
  per: number
  direction: 'input' | 'output' | undefined
  missingIsZero: boolean
  /** Indexes (in `leaves` order) of the more specific units whose counts are parts of this one's. */
  parts: number[]
}

interface Compiled {
  /** Units from the most specific (the order the engine takes leaves in). */
  leaves: Unit[]
  /** The entry's prices in its own key order (the order the engine adds them in), by leaf index. */
  terms: { leaf: number; price: number | Tiered }[]
  tiered: boolean
}

export interface TokenPrice {
  input_price: number
  output_price: number
  total_price: number
}

const compiledPrices = new WeakMap<ModelPrice, Compiled | null>()

/**
 * The price of `usage` under `prices` (one price period of one entry), as the engine computes it;
 * undefined when this cannot say (the caller then asks the engine).
 */
export function tokenPrice(prices: ModelPrice, usage: CatalogUsage): TokenPrice | undefined {
  let compiled = compiledPrices.get(prices)
  if (compiled === undefined) {
    compiled = verified(prices, compile(prices))
    compiledPrices.set(prices, compiled)
  }
  return compiled ? evaluate(compiled, usage) : undefined
}

/**
 * The prices an entry has at `ts`, picked as the engine picks them, when they depend on the day
 * only (a time-of-day price answers undefined).
 */
export function pricesAt(model: ModelInfo, ts: Date): ModelPrice | undefined {
  const periods = model.prices
  if (!Array.isArray(periods)) return periods as ModelPrice
  const tsMs = ts.getTime()
  if (Number.isNaN(tsMs)) return undefined
  let starts = periodStarts.get(model)
  if (starts === undefined) {
    starts = periods.map((period) => startOf(period as PricePeriod))
    periodStarts.set(model, starts)
  }
  for (let index = periods.length - 1; index >= 0; index--) {
    const start = starts[index]
    if (start === null) return (periods[index] as PricePeriod).prices
    if (start === undefined) return undefined
    if (tsMs >= start) return (periods[index] as PricePeriod).prices
  }
  return (periods[0] as PricePeriod).prices
}

interface PricePeriod {
  constraint?: { type?: string; start_date?: string }
  prices: ModelPrice
}

/** Each entry's price periods' start dates, parsed once (a call is priced many times a second). */
const periodStarts = new WeakMap<ModelInfo, (number | null | undefined)[]>()

/**
 * When a period starts, in epoch ms, as the engine compares it (`ts >= new Date(start_date)`):
 * null for a period without a constraint (always in force), undefined for a constraint other than
 * a start date (the engine decides).
 */
function startOf(period: PricePeriod): number | null | undefined {
  const constraint = period.constraint
  if (constraint === undefined) return null
  if (constraint.type !== 'start_date' || typeof constraint.start_date !== 'string') return undefined
  return new Date(constraint.start_date).getTime()
}

function compile(prices: ModelPrice): Compiled | null {
  const keys = Object.keys(prices).filter((key) => prices[key] !== undefined)
  if (keys.length === 0 || !keys.every((key) => key in UNITS)) return null
  const definitions = keys.map((key) => UNITS[key] as (typeof UNITS)[string])
  const sorted = [...definitions].sort(
    (a, b) =>
      Object.keys(b.dimensions).length - Object.keys(a.dimensions).length ||
      a.usageKey.localeCompare(b.usageKey),
  )
  const isPart = (whole: (typeof sorted)[number], part: (typeof sorted)[number]) =>
    Object.entries(whole.dimensions).every(([name, value]) => part.dimensions[name] === value)
  const leaves: Unit[] = sorted.map((unit) => ({
    usageKey: unit.usageKey,
    per: unit.per,
    direction: unit.dimensions.direction as Unit['direction'],
    missingIsZero: unit.missingIsZero ?? false,
    parts: sorted.flatMap((other, index) => (other !== unit && isPart(unit, other) ? [index] : [])),
  }))
  let tiered = false
  const terms = keys.map((key) => {
    const value = prices[key]
    const leaf = sorted.indexOf(UNITS[key] as (typeof UNITS)[string])
    if (typeof value === 'number') return { leaf, price: value }
    tiered = true
    const tiers = value as unknown as Tiered
    return {
      leaf,
      price: { base: tiers.base, tiers: [...tiers.tiers].sort((a, b) => a.start - b.start) },
    }
  })
  if (terms.some(({ price }) => typeof price === 'number' && !(Number.isFinite(price) && price >= 0)))
    return null
  return { leaves, terms, tiered }
}

const PROBES: CatalogUsage[] = [
  {
    input_tokens: 1200,
    cache_read_tokens: 1024,
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    output_tokens: 300,
  },
  {
    input_tokens: 98_765,
    cache_read_tokens: 3,
    cache_write_tokens: 777,
    cache_write_1h_tokens: 55,
    output_tokens: 1,
  },
  {
    input_tokens: 7,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    output_tokens: 12_345,
  },
  { input_tokens: 3_000, cache_read_tokens: 0, output_tokens: 30, web_searches: 2 },
]

/** The compiled form only if it agrees with the engine on the probes (and on each side of every tier). */
function verified(prices: ModelPrice, compiled: Compiled | null): Compiled | null {
  if (!compiled) return null
  const starts = compiled.terms.flatMap(({ price }) =>
    typeof price === 'number' ? [] : price.tiers.flatMap((tier) => [tier.start, tier.start + 1]),
  )
  const probes = [
    ...PROBES,
    ...starts.map((start) => ({ ...PROBES[1], input_tokens: start + 2000, output_tokens: 2 })),
  ]
  const probeModel: ModelInfo = { id: 'probe', match: { equals: 'probe' }, prices }
  for (const usage of probes) {
    const actual = evaluate(compiled, usage)
    // A usage this leaves to the engine needs no agreement.
    if (!actual) continue
    let expected: ReturnType<typeof calcPrice>
    try {
      expected = calcPrice(usage, 'probe', {
        provider: { id: 'probe', name: 'probe', api_pattern: '.*', models: [probeModel] },
      })
    } catch {
      return null
    }
    if (
      !expected ||
      !Object.is(actual.input_price, expected.input_price) ||
      !Object.is(actual.output_price, expected.output_price) ||
      !Object.is(actual.total_price, expected.total_price)
    )
      return null
  }
  return compiled
}

function evaluate(compiled: Compiled, usage: CatalogUsage): TokenPrice | undefined {
  const { leaves, terms } = compiled
  const counts: number[] = new Array(leaves.length)
  for (let index = 0; index < leaves.length; index++) {
    const leaf = leaves[index] as Unit
    const count = usage[leaf.usageKey]
    if (count === undefined && leaf.missingIsZero) {
      counts[index] = 0
      continue
    }
    // A missing or invalid count: the engine decides (it may infer, or refuse).
    if (count === undefined || !Number.isFinite(count) || count < 0) return undefined
    counts[index] = count
  }
  let inputTokens = 0
  if (compiled.tiered) {
    const count = usage.input_tokens
    if (count === undefined || !Number.isFinite(count) || count < 0) return undefined
    inputTokens = count
  }
  // Each unit's own share: its count less its more specific parts' shares.
  const shares: number[] = new Array(leaves.length)
  for (let index = 0; index < leaves.length; index++) {
    const leaf = leaves[index] as Unit
    const total = counts[index] as number
    let parts = 0
    for (const part of leaf.parts) parts += shares[part] as number
    let share = total - parts
    const tolerance = Number.EPSILON * Math.max(1, Math.abs(total), Math.abs(parts)) * (leaves.length + 1)
    if (share < 0 && Math.abs(share) <= tolerance) share = 0
    // Parts larger than the whole: the engine refuses the usage.
    if (share < 0) return undefined
    shares[index] = share
  }
  let input = 0
  let output = 0
  let other = 0
  for (const { leaf, price } of terms) {
    const unit = leaves[leaf] as Unit
    const share = shares[leaf] as number
    const cost =
      typeof price === 'number'
        ? (price * share) / unit.per
        : (tieredCost(price, share, inputTokens) * 1e6) / unit.per
    if (unit.direction === 'input') input += cost
    else if (unit.direction === 'output') output += cost
    else other += cost
  }
  return { input_price: input, output_price: output, total_price: input + output + other }
}

function tieredCost(price: Tiered, count: number, inputTokens: number): number {
  if (count <= 0) return 0
  let rate = price.base
  for (const tier of price.tiers) if (inputTokens > tier.start) rate = tier.price
  return (rate * count) / 1e6
}
