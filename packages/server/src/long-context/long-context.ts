import type { Usage } from 'spendlens'
import { longContextThresholds, NANOS_PER_USD, priceUsage } from 'spendlens/internal'
import type {
  Filter,
  LongContextAnswer,
  LongContextFeature,
  LongContextFigures,
  LongContextModel,
} from '../api/api-types.js'
import type { QueryOptions } from '../query/time-limit.js'
import { SUMMED_USAGE, type TokenSumRow } from '../query/token-sums.js'
import type { Store } from '../store/store.js'
import { describePrices, PRICE_BOOK } from '../what-if/what-if.js'

/**
 * The long-context warning (docs/api.md "Long context"): per feature, the calls on a model whose
 * price has a long-context tier (Gemini 2.5 Pro, Claude Sonnet 4 past 200k input tokens) that came
 * near its threshold or passed it, what the calls past it cost, and how much of that the tier added.
 * The thresholds are the catalog's own (the SDK's pricer reads the same entries); the calls are the
 * token sums a what-if prices (query/token-sums.ts, both engines), cut at every threshold.
 */

export interface LongContextQuestion {
  project: string
  from?: Date
  to?: Date
  filters: readonly Filter[]
}

/** From this share of a threshold on, a call is approaching it: 80–100% of 200k is 160,000 to 200,000 tokens. */
export const APPROACH_SHARE = 0.8

/** A model with a long-context tier, and the input bands its calls fall in. */
interface TieredModel {
  threshold: number
  /** Calls above this many input tokens (and up to the threshold) are approaching. */
  approachFrom: number
  /** Every threshold of the entry: calls between two are priced apart. */
  thresholds: number[]
  starts: number[]
  byTimeOfDay: boolean
  pricedAs: string
}

const usd = (nanos: number) => nanos / NANOS_PER_USD
/** The model of a `provider/model` key (a model id may hold a slash, a provider id does not). */
const modelOf = (key: string) => key.slice(key.indexOf('/') + 1)
const MODELS_CAP = 10_000

interface Tally {
  requests: number
  approaching: number
  crossed: number
  /** Recorded cost of the crossed calls with a known cost, nano-dollars; and whether any had one. */
  costNanos: number
  known: boolean
  extraNanos: number
  unpriced: number
}
const emptyTally = (): Tally => ({
  requests: 0,
  approaching: 0,
  crossed: 0,
  costNanos: 0,
  known: false,
  extraNanos: 0,
  unpriced: 0,
})

function figures(tally: Tally): LongContextFigures {
  return {
    requests: tally.requests,
    approaching: tally.approaching,
    crossed: tally.crossed,
    cost_usd: tally.known ? usd(tally.costNanos) : null,
    extra_usd: tally.known ? usd(tally.extraNanos) : null,
    unpriced: tally.unpriced,
  }
}

function add(into: Tally, from: Tally) {
  into.requests += from.requests
  into.approaching += from.approaching
  into.crossed += from.crossed
  into.costNanos += from.costNanos
  into.known ||= from.known
  into.extraNanos += from.extraNanos
  into.unpriced += from.unpriced
}

/**
 * How much of a crossed sum's recorded cost the long-context rate added: the recorded cost times
 * the share of the catalog's long-context price that its base price does not make up, so a
 * discount or a batch price in the recorded cost carries over. Null when the catalog cannot price it.
 */
function extraNanos(row: TokenSumRow): number | null {
  const usage = Object.fromEntries(SUMMED_USAGE.map((field) => [field, row[field]])) as unknown as Usage
  const call = {
    provider: row.provider,
    model: row.model,
    usage,
    ts: new Date(row.first_ts),
    service_tier: row.service_tier,
    batch: row.batch,
    status: 'ok' as const,
    requests: row.requests,
  }
  const tiered = priceUsage(call).cost_usd
  const base = priceUsage({ ...call, atBaseRate: true }).cost_usd
  if (tiered === null || base === null || tiered <= 0) return null
  return Math.round(row.cost_nanos * (1 - base / tiered))
}

/** The calls in scope against their models' long-context tiers, by feature. */
export async function longContext(
  store: Pick<Store, 'query' | 'tokenSums'>,
  question: LongContextQuestion,
  options?: QueryOptions,
): Promise<LongContextAnswer> {
  const answer: LongContextAnswer = {
    from: question.from?.toISOString() ?? null,
    to: question.to?.toISOString() ?? null,
    approach_share: APPROACH_SHARE,
    totals: figures(emptyTally()),
    features: [],
  }
  const scope = { project: question.project, from: question.from, to: question.to }
  const used = await store.query(
    {
      ...scope,
      timeZone: 'UTC',
      filters: [...question.filters],
      groupBy: ['provider', 'model'],
      metrics: ['requests'],
      limit: MODELS_CAP,
    },
    options,
  )
  const tiered = new Map<string, TieredModel>()
  for (const row of used) {
    const provider = String(row.provider)
    const model = String(row.model)
    const found = PRICE_BOOK.find(provider, model, question.to ?? new Date())
    if (!found) continue
    const thresholds = longContextThresholds(found.model)
    const threshold = thresholds[0]
    if (threshold === undefined) continue
    const { starts, byTimeOfDay } = describePrices(found)
    tiered.set(`${provider}/${model}`, {
      threshold,
      approachFrom: Math.ceil(threshold * APPROACH_SHARE) - 1,
      thresholds,
      starts,
      byTimeOfDay,
      pricedAs: found.source,
    })
  }
  if (tiered.size === 0) return answer

  // Cut at every model's thresholds and approach: a sum then lies in one band of each model.
  const models = [...tiered.values()]
  const cuts = [...new Set(models.flatMap((model) => [model.approachFrom, ...model.thresholds]))].sort(
    (a, b) => a - b,
  )
  const rows = await store.tokenSums(
    {
      ...scope,
      filters: [
        ...question.filters,
        { dimension: 'model', op: 'in', values: [...new Set([...tiered.keys()].map((key) => modelOf(key)))] },
      ],
      inputThresholds: cuts,
      periodStarts: [...new Set(models.flatMap((model) => model.starts))].sort((a, b) => a - b),
      byHalfHour: models.some((model) => model.byTimeOfDay),
    },
    options,
  )

  const byFeature = new Map<string, Map<string, Tally>>()
  for (const row of rows) {
    const key = `${row.provider}/${row.model}`
    const model = tiered.get(key)
    if (!model) continue
    // band = how many cuts the calls' input passed: past a cut c means more than c input tokens.
    const passed = (cut: number) => row.band > cuts.indexOf(cut)
    const tally = emptyTally()
    tally.requests = row.requests
    if (passed(model.threshold)) {
      tally.crossed = row.requests
      if (row.known_cost) {
        tally.known = true
        tally.costNanos = row.cost_nanos
        tally.extraNanos = extraNanos(row) ?? 0
      } else tally.unpriced = row.requests
    } else if (passed(model.approachFrom)) tally.approaching = row.requests
    const feature = byFeature.get(row.feature) ?? new Map<string, Tally>()
    const modelTally = feature.get(key) ?? emptyTally()
    add(modelTally, tally)
    feature.set(key, modelTally)
    byFeature.set(row.feature, feature)
  }

  const total = emptyTally()
  const features: LongContextFeature[] = []
  for (const [feature, byModel] of byFeature) {
    const featureTally = emptyTally()
    const entries: LongContextModel[] = []
    for (const [key, tally] of byModel) {
      add(featureTally, tally)
      const model = tiered.get(key) as TieredModel
      if (tally.approaching + tally.crossed === 0) continue
      entries.push({
        provider: key.slice(0, key.indexOf('/')),
        model: modelOf(key),
        threshold: model.threshold,
        priced_as: model.pricedAs,
        ...figures(tally),
      })
    }
    add(total, featureTally)
    if (entries.length === 0) continue
    entries.sort(
      (a, b) => byWeight(a, b) || `${a.provider}/${a.model}`.localeCompare(`${b.provider}/${b.model}`),
    )
    features.push({ feature, ...figures(featureTally), models: entries })
  }
  features.sort((a, b) => byWeight(a, b) || a.feature.localeCompare(b.feature))
  answer.totals = figures(total)
  answer.features = features
  return answer
}

/** Most extra cost first, then most calls past the threshold, then nearest it. */
function byWeight(a: LongContextFigures, b: LongContextFigures): number {
  return (b.extra_usd ?? 0) - (a.extra_usd ?? 0) || b.crossed - a.crossed || b.approaching - a.approaching
}
