import type { Usage } from 'spendlens'
import {
  createPriceBook,
  type FoundPrice,
  longContextThresholds,
  NANOS_PER_USD,
  pricePeriods,
  priceUsage,
} from 'spendlens/internal'
import type {
  Filter,
  WhatIfAnswer,
  WhatIfExclusion,
  WhatIfFigures,
  WhatIfTarget,
  WhatIfTier,
} from '../api/api-types.js'
import type { QueryOptions } from '../query/time-limit.js'
import { SUMMED_USAGE, type TokenSumRow, UNIT_FLAGS, type UnitField } from '../query/token-sums.js'
import type { Store } from '../store/store.js'
import { tokenizerFamily } from './tokenizer-family.js'

/**
 * What if the same calls had run on another model, or at another tier? The calls in scope are summed
 * per kind of token (query/token-sums.ts) and each sum is priced at the target by the SDK's own
 * pricer (priceUsage: the catalog, spendlens' tier multipliers), against what the calls cost as
 * recorded. Exact for the counts: a sum holds only calls the target prices alike (same tier, same
 * long-context band, same price period, same units), and is priced as the calls it adds up to.
 * What it cannot know (another tokenizer, other answers) it says, in `caveats`. docs/decisions.md.
 */

export interface WhatIfQuestion {
  project: string
  from?: Date
  to?: Date
  filters: readonly Filter[]
  target: WhatIfTarget
}

/** A target the what-if cannot price at: an unknown model, a tier or cache rate it has no price for. */
export class WhatIfTargetError extends Error {
  constructor(
    readonly code: 'unknown_model' | 'bad_target',
    message: string,
  ) {
    super(message)
    this.name = 'WhatIfTargetError'
  }
}

/** A unit a target must price for a call that used it to be compared, with its price key. */
const UNIT_PRICES: Record<UnitField, { key: string | null; label: string }> = {
  input_audio_tokens: { key: 'input_audio_mtok', label: 'audio input tokens' },
  output_audio_tokens: { key: 'output_audio_mtok', label: 'audio output tokens' },
  input_characters: { key: 'input_mchars', label: 'characters of speech input' },
  audio_seconds: { key: 'audio_hours', label: 'seconds of audio' },
  web_search_requests: { key: 'web_searches_kcount', label: 'web searches' },
  file_search_requests: { key: 'storage_searches_kcount', label: 'file searches' },
  output_image_tokens: { key: 'output_image_mtok', label: 'image output tokens' },
  // Billed per container session, a fee no catalog entry carries: such calls are not compared.
  code_interpreter_sessions: { key: null, label: 'code-interpreter sessions' },
  // The pricer prices no generated image (a CostEvent counts them, the catalog has no such unit).
  images: { key: null, label: 'generated images' },
}

/** Token kinds a target without their own price bills as plain input (the catalog's rule). */
const AS_INPUT: readonly { field: keyof Usage; key: string; label: string }[] = [
  { field: 'cache_read_tokens', key: 'cache_read_mtok', label: 'cache reads' },
  { field: 'cache_write_tokens', key: 'cache_write_mtok', label: 'cache writes' },
  { field: 'input_image_tokens', key: 'input_image_mtok', label: 'image input tokens' },
]

/**
 * The prices priceUsage applies (no custom prices: the server's), looked up as it looks them up: the
 * target is found where the pricer finds it, with every price period of its catalog entry.
 */
export const PRICE_BOOK = createPriceBook()

const usd = (nanos: number) => nanos / NANOS_PER_USD
const count = (value: number) => value.toLocaleString('en-US')
const calls = (value: number) => `${count(value)} ${value === 1 ? 'call' : 'calls'}`
const percent = (share: number) => `${Math.round(share * 1000) / 10}%`

/** What a target's catalog entry holds over all its prices: keys, long-context thresholds, price changes. */
export function describePrices(found: FoundPrice) {
  const keys = new Set<string>()
  const starts = new Set<number>()
  let byTimeOfDay = false
  for (const conditional of pricePeriods(found.model)) {
    const constraint = conditional.constraint
    if (constraint?.type === 'start_date') starts.add(Date.parse(constraint.start_date))
    if (constraint?.type === 'time_of_date') byTimeOfDay = true
    for (const [key, price] of Object.entries(conditional.prices)) if (price !== undefined) keys.add(key)
  }
  return {
    keys,
    thresholds: longContextThresholds(found.model),
    starts: [...starts].sort((a, b) => a - b),
    byTimeOfDay,
  }
}

function checkTarget(target: WhatIfTarget, model: FoundPrice | undefined, keys: Set<string> | undefined) {
  const name = `${target.provider}/${target.model}`
  if (!model || !keys)
    throw new WhatIfTargetError(
      'unknown_model',
      `${name} is not in the price catalog (@pydantic/genai-prices) nor in spendlens' supplement: there is no price to compare with. Use the model id as the provider names it (e.g. gpt-4o-mini, claude-haiku-4-5).`,
    )
  if (!keys.has('input_mtok') && !keys.has('output_mtok'))
    throw new WhatIfTargetError(
      'bad_target',
      `${name} is not priced per token, so token counts cannot be priced at it`,
    )
  if (target.tier === 'flex' && target.provider !== 'openai')
    throw new WhatIfTargetError('bad_target', `flex is an OpenAI tier; ${target.provider} has no flex price`)
  if (target.cache_read_share !== undefined && !keys.has('cache_read_mtok'))
    throw new WhatIfTargetError(
      'bad_target',
      `${name} has no cached-input price, so cache_read_share cannot apply`,
    )
}

/** The tier a row is priced at: its own, or the target's. */
function tierOf(row: TokenSumRow, tier: WhatIfTier): { service_tier: string | null; batch: boolean } {
  switch (tier) {
    case 'as_recorded':
      return { service_tier: row.service_tier, batch: row.batch }
    case 'standard':
      return { service_tier: 'default', batch: false }
    case 'batch':
      return { service_tier: 'default', batch: true }
    case 'flex':
      return { service_tier: 'flex', batch: false }
  }
}

/** The row's usage as the pricer takes it, with the cache share the target asks for applied. */
function usageOf(row: TokenSumRow, cacheReadShare: number | undefined): Usage {
  const usage = Object.fromEntries(SUMMED_USAGE.map((field) => [field, row[field]])) as unknown as Usage
  if (cacheReadShare !== undefined) {
    const input = row.input_tokens
    const cacheable = Math.max(0, input - row.cache_write_tokens)
    usage.cache_read_tokens = Math.min(
      cacheable,
      Math.max(row.cache_read_tokens, Math.round(input * cacheReadShare)),
    )
  }
  return usage
}

interface Tally {
  requests: number
  current: number
  target: number
}
const emptyTally = (): Tally => ({ requests: 0, current: 0, target: 0 })

function figures(tally: Tally): WhatIfFigures {
  const difference = tally.target - tally.current
  return {
    requests: tally.requests,
    current_usd: usd(tally.current),
    target_usd: usd(tally.target),
    difference_usd: usd(difference),
    difference_ratio: tally.current === 0 ? null : difference / tally.current,
  }
}

/** Prices the calls of `question` at its target, against their recorded cost. */
export async function whatIf(
  store: Pick<Store, 'tokenSums'>,
  question: WhatIfQuestion,
  options?: QueryOptions,
): Promise<WhatIfAnswer> {
  const { target } = question
  const tier = target.tier ?? 'as_recorded'
  const model = PRICE_BOOK.find(target.provider, target.model, new Date())
  const prices = model && describePrices(model)
  checkTarget(target, model, prices?.keys)
  const { keys, thresholds, starts, byTimeOfDay } = prices as ReturnType<typeof describePrices>
  const priced = model as FoundPrice
  const contextWindow = priced.model.context_window

  const rows = await store.tokenSums(
    {
      project: question.project,
      from: question.from,
      to: question.to,
      filters: question.filters,
      inputThresholds: thresholds,
      periodStarts: starts,
      byHalfHour: byTimeOfDay,
      contextWindow,
    },
    options,
  )

  const total = emptyTally()
  const features = new Map<string, Tally & { models: Set<string> }>()
  const models = new Map<string, Tally & { provider: string; model: string }>()
  // By reason: the calls, and their recorded cost in nano-dollars (null: unknown, the reason itself).
  const excluded = new Map<string, { requests: number; nanos: number | null }>()
  const exclude = (reason: string, row: TokenSumRow) => {
    const entry = excluded.get(reason) ?? { requests: 0, nanos: row.known_cost ? 0 : null }
    entry.requests += row.requests
    if (entry.nanos !== null) entry.nanos += row.cost_nanos
    excluded.set(reason, entry)
  }
  // What the compared calls used, for the caveats.
  const used = { reasoning: 0, overContext: 0, longContext: 0, priority: 0, families: new Set<string>() }
  const asInput = new Map<string, number>()
  const targetFamily = tokenizerFamily(target.provider, target.model)

  for (const row of rows) {
    if (!row.known_cost) {
      exclude('their recorded cost is unknown (an unpriced model): nothing to compare with', row)
      continue
    }
    const lacking = (Object.keys(UNIT_FLAGS) as UnitField[]).filter((field) => {
      const unit = UNIT_PRICES[field]
      return (row.units & UNIT_FLAGS[field]) !== 0 && (unit.key === null || !keys.has(unit.key))
    })
    if (lacking.length > 0) {
      exclude(
        `they used ${lacking.map((field) => UNIT_PRICES[field].label).join(' and ')}, which ${target.provider}/${target.model} has no price for`,
        row,
      )
      continue
    }
    const usage = usageOf(row, target.cache_read_share)
    const price = priceUsage({
      provider: target.provider,
      model: target.model,
      usage,
      ts: new Date(row.first_ts),
      ...tierOf(row, tier),
      status: 'ok',
      requests: row.requests,
    })
    if (price.cost_usd === null) {
      exclude(
        'the catalog cannot price their token counts at the target (more cached than input tokens)',
        row,
      )
      continue
    }
    const targetNanos = Math.round(price.cost_usd * NANOS_PER_USD)
    const add = (tally: Tally) => {
      tally.requests += row.requests
      tally.current += row.cost_nanos
      tally.target += targetNanos
    }
    add(total)
    const feature = features.get(row.feature) ?? { ...emptyTally(), models: new Set<string>() }
    add(feature)
    feature.models.add(row.model)
    features.set(row.feature, feature)
    const modelKey = `${row.provider}/${row.model}`
    const source = models.get(modelKey) ?? { ...emptyTally(), provider: row.provider, model: row.model }
    add(source)
    models.set(modelKey, source)

    used.reasoning += row.reasoning_tokens
    used.overContext += row.over_context
    if (row.band > 0) used.longContext += row.requests
    if (tier === 'as_recorded' && row.service_tier === 'priority') used.priority += row.requests
    if (tokenizerFamily(row.provider, row.model) !== targetFamily) used.families.add(modelKey)
    for (const kind of AS_INPUT) {
      const tokens = usage[kind.field] ?? 0
      if (tokens > 0 && !keys.has(kind.key)) asInput.set(kind.label, (asInput.get(kind.label) ?? 0) + tokens)
    }
  }

  const name = `${target.provider}/${target.model}`
  const caveats: string[] = []
  if (used.families.size > 0)
    caveats.push(
      `Tokenizers differ between model families: ${name} (${targetFamily}) would count the same text as another number of tokens than ${[...used.families].sort().join(', ')} did. These figures keep the counts as recorded; how far the counts would differ cannot be known from the counts alone.`,
    )
  caveats.push(
    'The same token counts at another price: another model answers at other lengths, reasons more or less, and fails or is retried at other rates, none of which is in these figures.',
  )
  caveats.push(
    `${name} is priced as ${priced.source} at the catalog's list prices in force at each call's time; the current figure is what the calls cost as recorded (with any custom price or discount the SDK applied).`,
  )
  for (const [label, tokens] of asInput)
    caveats.push(
      `${count(tokens)} ${label} are priced as plain input: ${name} has no price of its own for them.`,
    )
  if (used.reasoning > 0)
    caveats.push(
      `${count(used.reasoning)} reasoning tokens are priced as ${name}'s output: a model that reasons less would bill fewer, one that reasons more, more.`,
    )
  if (used.longContext > 0)
    caveats.push(
      `${calls(used.longContext)} passed ${count(thresholds[0] as number)} input tokens: priced at ${name}'s long-context rate.`,
    )
  if (used.overContext > 0)
    caveats.push(
      `${calls(used.overContext)} had more input tokens than ${name}'s context window (${count(contextWindow as number)}): it could not have taken them as sent.`,
    )
  if (tier === 'batch')
    caveats.push('Batch: half the standard price, answers within 24 hours; only for calls that can wait.')
  if (tier === 'flex')
    caveats.push('Flex: half the standard price for slower answers that may be refused when OpenAI is busy.')
  if (used.priority > 0)
    caveats.push(
      `${calls(used.priority)} ran on the priority tier: the catalog has no priority price, so they are priced at ${name}'s standard rate.`,
    )
  if (target.cache_read_share !== undefined)
    caveats.push(
      `Assumes ${percent(target.cache_read_share)} of each call's input is read from the cache (or what was recorded, if more), at ${name}'s cached-input rate; the first call of a prompt always misses.`,
    )
  const reasons: WhatIfExclusion[] = [...excluded.entries()]
    .map(([reason, entry]) => ({
      reason,
      requests: entry.requests,
      current_usd: entry.nanos === null ? null : usd(entry.nanos),
    }))
    .sort((a, b) => b.requests - a.requests || a.reason.localeCompare(b.reason))
  const excludedNanos = [...excluded.values()].reduce((sum, entry) => sum + (entry.nanos ?? 0), 0)
  if (reasons.length > 0)
    caveats.push(
      `${calls(reasons.reduce((sum, entry) => sum + entry.requests, 0))} are left out of the comparison (see unpriced).`,
    )

  const byCost = <T extends Tally>(a: T, b: T) => b.current - a.current || b.target - a.target
  return {
    from: question.from?.toISOString() ?? null,
    to: question.to?.toISOString() ?? null,
    target: {
      provider: target.provider,
      model: target.model,
      tier,
      cache_read_share: target.cache_read_share ?? null,
      priced_as: priced.source,
      name: priced.model.name ?? null,
    },
    ...figures(total),
    by_feature: [...features.entries()]
      .sort(([, a], [, b]) => byCost(a, b))
      .map(([feature, tally]) => ({ feature, models: [...tally.models].sort(), ...figures(tally) })),
    by_model: [...models.values()]
      .sort(byCost)
      .map((tally) => ({ provider: tally.provider, model: tally.model, ...figures(tally) })),
    caveats,
    unpriced: {
      requests: reasons.reduce((sum, entry) => sum + entry.requests, 0),
      current_usd: usd(excludedNanos),
      reasons,
    },
  }
}
