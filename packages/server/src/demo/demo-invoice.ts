import type { CostEvent, Usage } from 'spendlens'
import { emptyUsage, NANOS_PER_USD, priceUsage } from 'spendlens/internal'
import type { ReconcileFigures } from '../api/api-types.js'
import {
  INVOICE_PROVIDERS,
  type InvoiceLine,
  type InvoiceProvider,
  invoiceLine,
  isInvoiceProvider,
} from '../schema/invoice-table.js'
import { seededRandom } from './seeded-random.js'

/**
 * The invoice the providers would show for the demo's traffic: their admin usage and cost reports
 * (the lines the invoice sync stores, schema/invoice-table.ts) for the demo events' UTC days, with a
 * gap planted in it that a reconciliation must find and explain:
 *
 * (a) untracked usage: a nightly script tags help-center articles with gpt-4o-mini through a bare
 *     OpenAI client: a few percent more requests on that model, which no event recorded;
 * (b) a price difference: Quill negotiated a discount on claude-sonnet-4, so the invoice bills less
 *     than the catalog prices the same tokens at;
 * (c) a non-model line: two OpenAI fine-tuning training runs, no model call at all;
 * (d) the private model: `quill-legal-ft-v2` is a fine-tune OpenAI bills like any model (usage and
 *     cost lines under its name), but spendlens has no price for it, so its events cost "unknown".
 *
 * Everything else is billed exactly as the events were priced: the catalog's rate of each token kind
 * at the bucket's day, so the fully tracked part of each day equals the events' cost to the nano.
 */

const DAY_MS = 86_400_000

const OPENAI_APP_PROJECT = 'proj_Qu1llApp7RkT2mWx9cLd4v'
const OPENAI_LEGAL_PROJECT = 'proj_Qu1llLegal3NfY8pBs6hKa'
const ANTHROPIC_APP_WORKSPACE = 'wrkspc_01Qu1llApp5GtR9wLm2XcV'
const ANTHROPIC_SUPPORT_WORKSPACE = 'wrkspc_01Qu1llSupport8JpD4nQ'

/**
 * Where the demo's calls are billed at each provider (OpenAI project ids, Anthropic workspace ids),
 * by feature: the one place that decides it. The product's features share one project or workspace;
 * the support agent has a workspace of its own, the legal team's fine-tuned model a project of its own.
 */
export const DEMO_PROVIDER_PROJECTS: Record<
  InvoiceProvider,
  { default: string; byFeature: Readonly<Record<string, string>> }
> = {
  openai: { default: OPENAI_APP_PROJECT, byFeature: { 'contract-drafting': OPENAI_LEGAL_PROJECT } },
  anthropic: {
    default: ANTHROPIC_APP_WORKSPACE,
    byFeature: { 'support-agent': ANTHROPIC_SUPPORT_WORKSPACE },
  },
}

/** The provider project a demo call of `feature` is billed in. */
export function demoProviderProject(provider: InvoiceProvider, feature: string | null): string {
  const projects = DEMO_PROVIDER_PROJECTS[provider]
  return (feature === null ? undefined : projects.byFeature[feature]) ?? projects.default
}

/** The reports the demo invoice fills, each replaced whole when the demo is loaded. */
export const DEMO_INVOICE_SOURCES: Record<InvoiceProvider, readonly string[]> = {
  openai: ['costs', 'usage/completions', 'usage/embeddings'],
  anthropic: ['cost_report', 'usage_report/messages'],
}

/** The planted gap, part by part (see above). */
const PLANTED = {
  untracked: {
    provider: 'openai',
    model: 'gpt-4o-mini-2024-07-18',
    project: OPENAI_APP_PROJECT,
    /** Extra requests per tracked request of the model, on average. */
    share: 0.04,
    /** Tokens per request of the script: a long article in, a few tags out, no prompt cache. */
    input: 2600,
    output: 140,
  },
  /** The support agent's model, billed at a negotiated factor of the catalog's price wherever it is used. */
  discount: {
    provider: 'anthropic',
    model: 'claude-sonnet-4-20250514',
    project: ANTHROPIC_SUPPORT_WORKSPACE,
    factor: 0.9,
  },
  fineTuning: {
    provider: 'openai',
    project: OPENAI_LEGAL_PROJECT,
    line_item: 'fine-tuning training',
    /** Two runs, placed at these shares of the demo's days: 1.024M and 0.512M training tokens at $25/M. */
    runs: [
      { dayShare: 0.3, nanos: 25_600_000_000 },
      { dayShare: 0.7, nanos: 12_800_000_000 },
    ],
  },
} as const

/** The demo's private model (its events are `unpriced`), as its provider names it. */
const FINE_TUNED_MODEL = {
  provider: 'openai',
  model: 'quill-legal-ft-v2',
  feature: 'contract-drafting',
} as const

/**
 * Models the catalog has no price for, at the rate the provider bills them (USD per million tokens).
 * Quill's legal model is a fine-tune of gpt-4.1, billed at fine-tuned gpt-4.1's inference rates.
 */
const PRIVATE_MODEL_PRICES: Record<string, Partial<Record<TokenKind, number>>> = {
  [`${FINE_TUNED_MODEL.provider}/${FINE_TUNED_MODEL.model}`]: {
    uncached_input: 3,
    cache_read: 0.75,
    output: 12,
  },
}

/** The token kinds a provider bills apart; input ones are disjoint parts of all input. */
const TOKEN_KINDS = ['uncached_input', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'output'] as const
type TokenKind = (typeof TOKEN_KINDS)[number]
type Tokens = Record<TokenKind, number>

/**
 * How each provider's cost report names a token kind: OpenAI's line item is "<model>, <name>" (its
 * usage report has no cache writes, so they fall in "input", at their own rate); Anthropic's
 * `token_type` and the words of its `description`.
 */
const COST_NAMES: Record<InvoiceProvider, Record<TokenKind, { token_type: string; words: string }>> = {
  openai: {
    uncached_input: { token_type: 'input', words: 'input' },
    cache_read: { token_type: 'cached input', words: 'cached input' },
    cache_write_5m: { token_type: 'input', words: 'input' },
    cache_write_1h: { token_type: 'input', words: 'input' },
    output: { token_type: 'output', words: 'output' },
  },
  anthropic: {
    uncached_input: { token_type: 'uncached_input_tokens', words: 'Input Tokens' },
    cache_read: { token_type: 'cache_read_input_tokens', words: 'Input Tokens, Cache Read' },
    cache_write_5m: {
      token_type: 'cache_creation.ephemeral_5m_input_tokens',
      words: 'Input Tokens, Cache Write (5m)',
    },
    cache_write_1h: {
      token_type: 'cache_creation.ephemeral_1h_input_tokens',
      words: 'Input Tokens, Cache Write (1h)',
    },
    output: { token_type: 'output_tokens', words: 'Output Tokens' },
  },
}

/**
 * Prices one token kind alone, so that a day's line items add up to what its events cost. A
 * thousand tokens: few enough to stay under every long-context tier (pricing a whole day's
 * aggregate at once would switch tiered models to their long-context rates), many enough to keep a
 * rate's fraction of a nano-dollar.
 */
const PROBE_TOKENS = 1000
const PROBES: Record<TokenKind, Partial<Usage>> = {
  uncached_input: { input_tokens: PROBE_TOKENS },
  cache_read: { input_tokens: PROBE_TOKENS, cache_read_tokens: PROBE_TOKENS },
  cache_write_5m: { input_tokens: PROBE_TOKENS, cache_write_tokens: PROBE_TOKENS },
  cache_write_1h: {
    input_tokens: PROBE_TOKENS,
    cache_write_tokens: PROBE_TOKENS,
    cache_write_1h_tokens: PROBE_TOKENS,
  },
  output: { output_tokens: PROBE_TOKENS },
}

export interface DemoInvoiceOptions {
  /** Seeds the untracked traffic; default 42, the demo events' default seed. */
  seed?: number
}

/** One planted part of the gap: where the invoice holds it and its exact size. */
export interface PlantedPart {
  provider: InvoiceProvider
  provider_project: string
  /** The model as the invoice names it; null for a line of no model. */
  model: string | null
  /** Integer nano-dollars, exact. */
  nanos: number
  usd: number
}

/** What the demo invoice holds beside the events: each planted part, and the figures a reconciliation should find. */
export interface DemoInvoiceTruth {
  /** The UTC days covered, [from, to), epoch ms: the demo events' days. */
  from: number
  to: number
  /** (a) Usage and cost lines of calls no event recorded, at the catalog's price. */
  untracked_usage: PlantedPart & { requests: number; input_tokens: number; output_tokens: number }
  /** (b) Invoiced less the catalog's price of the same (tracked) tokens: negative, a discount. */
  price_difference: PlantedPart & { factor: number }
  /** (c) Lines of no model. */
  non_model: PlantedPart & { line_item: string; days: string[] }
  /** (d) What the invoice bills for the model spendlens cannot price (its events cost null). */
  unpriced_model: PlantedPart
  /**
   * The invoice against the events (tracked: their known cost) in ReconcileFigures' terms. The
   * unpriced model's tokens are all tracked, at money spendlens does not know: its invoiced amount
   * is a price difference (tracked $0 against the invoice), added to (b). `unexplained_usd` is what
   * is left once the planted parts are taken out: 0 when the catalog's rates are whole nano-dollars
   * per token, as for every model the demo uses.
   */
  figures: ReconcileFigures
  by_provider: Record<InvoiceProvider, ReconcileFigures>
}

/** One provider's billed traffic of one day, model, project and tier: what a usage line reports. */
interface Traffic {
  day: number
  provider: InvoiceProvider
  endpoint: 'completions' | 'embeddings' | 'messages'
  model: string
  project: string
  /** As the events have it (what prices it) and as the provider reports it. */
  eventTier: string | null
  reportedTier: string | null
  batch: boolean
  contextWindow: string | null
  requests: number
  tracked: Tokens
  untracked: Tokens
  untrackedRequests: number
}

const noTokens = (): Tokens => ({
  uncached_input: 0,
  cache_read: 0,
  cache_write_5m: 0,
  cache_write_1h: 0,
  output: 0,
})

/** Adds an event's tokens, split into the kinds billed apart (its counts are nested subsets of all input). */
function addTokens(tokens: Tokens, event: CostEvent): void {
  const input = event.input_tokens ?? 0
  const read = event.cache_read_tokens ?? 0
  const write = event.cache_write_tokens ?? 0
  const write1h = event.cache_write_1h_tokens ?? 0
  tokens.uncached_input += input - read - write
  tokens.cache_read += read
  tokens.cache_write_5m += write - write1h
  tokens.cache_write_1h += write1h
  tokens.output += event.output_tokens ?? 0
}

type TrafficKey = Omit<Traffic, 'reportedTier' | 'requests' | 'tracked' | 'untracked' | 'untrackedRequests'>

/**
 * Traffic by provider, model, project and day, then tier: nested maps of the values events already
 * hold, so that grouping tens of thousands of events builds no key strings.
 */
class TrafficTable {
  private readonly byProvider = new Map<string, Map<string, Map<string, Map<number, Traffic[]>>>>()
  readonly all: Traffic[] = []

  find(key: TrafficKey, reportedTier: string | null): Traffic {
    const byModel = child(this.byProvider, key.provider, () => new Map())
    const byProject = child(byModel, key.model, () => new Map())
    const byDay = child(byProject, key.project, () => new Map())
    const candidates = child(byDay, key.day, () => [])
    for (const candidate of candidates) {
      if (
        candidate.endpoint === key.endpoint &&
        candidate.eventTier === key.eventTier &&
        candidate.batch === key.batch &&
        candidate.contextWindow === key.contextWindow
      )
        return candidate
    }
    const created: Traffic = {
      ...key,
      reportedTier,
      requests: 0,
      tracked: noTokens(),
      untracked: noTokens(),
      untrackedRequests: 0,
    }
    candidates.push(created)
    this.all.push(created)
    return created
  }
}

function child<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key)
  if (value === undefined) {
    value = create()
    map.set(key, value)
  }
  return value
}

const allInput = (tokens: Tokens) =>
  tokens.uncached_input + tokens.cache_read + tokens.cache_write_5m + tokens.cache_write_1h

/** Anthropic names tiers itself (`standard`, `priority`, `batch`); OpenAI reports the tier used. */
function reportedTier(provider: InvoiceProvider, event: CostEvent): string | null {
  if (provider === 'openai') return event.service_tier
  if (event.batch) return 'batch'
  return event.service_tier === 'priority' ? 'priority' : 'standard'
}

/**
 * Anthropic bills calls over 200K input tokens at long-context rates, and reports them apart. The
 * demo's calls all stay under it: their rates are the standard ones (PROBES).
 */
const contextWindow = (input: number) => (input > 200_000 ? '200k-1M' : '0-200k')

/** "claude-haiku-4-5-20251001" → "Claude Haiku 4.5", as Anthropic's cost descriptions name models. */
function anthropicDisplayName(model: string): string {
  const words = model.replace(/-\d{8}$/, '').split('-')
  const version = words.filter((word) => /^\d+$/.test(word)).join('.')
  const names = words
    .filter((word) => !/^\d+$/.test(word))
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
  return [...names, version].filter(Boolean).join(' ')
}

interface Rate {
  /** Nano-dollars per token. */
  nanos: number
  /** From PRIVATE_MODEL_PRICES: the catalog has no price for the model. */
  private: boolean
}

/** The rate of one token kind of a group's model at the start of `day`: the catalog's, or the private price. */
function rateAt(group: Traffic, kind: TokenKind, day: number): Rate {
  const price = priceUsage({
    provider: group.provider,
    model: group.model,
    usage: { ...emptyUsage(), ...PROBES[kind] },
    ts: new Date(day),
    service_tier: group.eventTier,
    batch: group.batch,
  })
  if (price.cost_usd !== null)
    return { nanos: (price.cost_usd * NANOS_PER_USD) / PROBE_TOKENS, private: false }
  const privatePrice = PRIVATE_MODEL_PRICES[`${group.provider}/${group.model}`]?.[kind]
  if (privatePrice !== undefined) return { nanos: (privatePrice * NANOS_PER_USD) / 1_000_000, private: true }
  throw new Error(
    `demo invoice: no price for ${group.provider}/${group.model} ${kind} (add it to PRIVATE_MODEL_PRICES)`,
  )
}

/**
 * Rates by model, tier and kind over the invoice's days. The catalog's prices are steps in time: a
 * rate the same on the first and the last day holds in between, so a model is priced day by day
 * only when its price changed within the range.
 */
class RateBook {
  private readonly rates = new Map<string, { first: Rate; last: Rate; byDay: Map<number, Rate> }>()

  constructor(private readonly days: readonly number[]) {}

  rate(group: Traffic, kind: TokenKind): Rate {
    const key = `${group.provider}|${group.model}|${group.eventTier}|${group.batch}|${kind}`
    let found = this.rates.get(key)
    if (found === undefined) {
      found = {
        first: rateAt(group, kind, this.days[0] ?? group.day),
        last: rateAt(group, kind, this.days[this.days.length - 1] ?? group.day),
        byDay: new Map(),
      }
      this.rates.set(key, found)
    }
    if (found.first.nanos === found.last.nanos) return found.first
    return child(found.byDay, group.day, () => rateAt(group, kind, group.day))
  }
}

/** The planted parts' money in one provider's invoice, nano-dollars. */
interface Parts {
  untracked: number
  discount: number
  unpriced: number
  nonModel: number
}

const toUsd = (nanos: number) => nanos / NANOS_PER_USD
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const bucket = (day: number) => ({ bucket_start: day, bucket_end: day + DAY_MS })

/**
 * The simulated provider invoice for the demo events (schema/invoice-table.ts lines, as the sync
 * stores them) and the truth about its planted gap. Same events and seed, same lines, in the same
 * order. Calls the provider refused (an error status) are neither reported nor billed; events of
 * other providers than those with invoice reports are left out.
 */
export function generateDemoInvoice(
  events: readonly CostEvent[],
  options: DemoInvoiceOptions = {},
): { lines: InvoiceLine[]; truth: DemoInvoiceTruth } {
  const { traffic, days, trackedNanos } = groupTraffic(events)
  // A stream of its own from the demo's seed: the events' draws stay what they were.
  const script = addUntrackedScript(traffic, days, seededRandom((options.seed ?? 42) ^ 0x5eed_1a7e))
  const rates = new RateBook(days)
  const parts: Record<InvoiceProvider, Parts> = {
    openai: { untracked: 0, discount: 0, unpriced: 0, nonModel: 0 },
    anthropic: { untracked: 0, discount: 0, unpriced: 0, nonModel: 0 },
  }
  const lines: InvoiceLine[] = []
  const costLines = new Map<string, InvoiceLine>()
  for (const group of traffic.all) {
    if (group.requests + group.untrackedRequests === 0) continue
    lines.push(usageLine(group))
    addCostLines(group, rates, costLines, parts[group.provider])
  }
  const training = trainingLines(days)
  parts[PLANTED.fineTuning.provider].nonModel += training.nanos
  lines.push(...training.lines, ...costLines.values())
  lines.sort(compareLines)

  const invoicedNanos: Record<InvoiceProvider, number> = { openai: 0, anthropic: 0 }
  for (const line of lines) invoicedNanos[line.provider] += line.amount_nanos ?? 0
  const figuresOf = (providers: readonly InvoiceProvider[]): ReconcileFigures => {
    const sum = (value: (provider: InvoiceProvider) => number) =>
      providers.reduce((total, provider) => total + value(provider), 0)
    const invoiced = sum((provider) => invoicedNanos[provider])
    const tracked = sum((provider) => trackedNanos[provider])
    const untracked = sum((provider) => parts[provider].untracked)
    const price = sum((provider) => parts[provider].discount + parts[provider].unpriced)
    const nonModel = sum((provider) => parts[provider].nonModel)
    return {
      invoiced_usd: toUsd(invoiced),
      tracked_usd: toUsd(tracked),
      gap_usd: toUsd(invoiced - tracked),
      coverage: invoiced === 0 ? null : tracked / invoiced,
      untracked_usage_usd: toUsd(untracked),
      price_difference_usd: toUsd(price),
      non_model_usd: toUsd(nonModel),
      unexplained_usd: toUsd(invoiced - tracked - untracked - price - nonModel),
    }
  }
  const part = (
    provider: InvoiceProvider,
    provider_project: string,
    model: string | null,
    nanos: number,
  ) => ({
    provider,
    provider_project,
    model,
    nanos,
    usd: toUsd(nanos),
  })
  const { untracked, discount, fineTuning } = PLANTED
  return {
    lines,
    truth: {
      from: days[0] ?? 0,
      to: days.length ? (days[days.length - 1] as number) + DAY_MS : 0,
      untracked_usage: {
        ...part(untracked.provider, untracked.project, untracked.model, parts[untracked.provider].untracked),
        ...script,
      },
      price_difference: {
        ...part(discount.provider, discount.project, discount.model, parts[discount.provider].discount),
        factor: discount.factor,
      },
      non_model: {
        ...part(fineTuning.provider, fineTuning.project, null, training.nanos),
        line_item: fineTuning.line_item,
        days: training.days,
      },
      unpriced_model: part(
        FINE_TUNED_MODEL.provider,
        demoProviderProject(FINE_TUNED_MODEL.provider, FINE_TUNED_MODEL.feature),
        FINE_TUNED_MODEL.model,
        parts[FINE_TUNED_MODEL.provider].unpriced,
      ),
      figures: figuresOf(INVOICE_PROVIDERS),
      by_provider: { openai: figuresOf(['openai']), anthropic: figuresOf(['anthropic']) },
    },
  }
}

/** The events' billed traffic by day, model, project and tier; their UTC days; their known cost by provider. */
function groupTraffic(events: readonly CostEvent[]) {
  const traffic = new TrafficTable()
  const daySet = new Set<number>()
  const trackedNanos: Record<InvoiceProvider, number> = { openai: 0, anthropic: 0 }
  let dayText = '-'
  let day = 0
  for (const event of events) {
    const provider = event.provider
    if (!isInvoiceProvider(provider)) continue
    // Events come mostly in time order: parse a day only when it changes.
    if (!event.ts.startsWith(dayText)) {
      dayText = event.ts.slice(0, 10)
      day = Date.parse(dayText)
      daySet.add(day)
    }
    trackedNanos[provider] += Math.round((event.cost_usd ?? 0) * NANOS_PER_USD)
    if (event.status === 'error') continue
    const endpoint =
      provider === 'anthropic' ? 'messages' : event.operation === 'embeddings' ? 'embeddings' : 'completions'
    const group = traffic.find(
      {
        day,
        provider,
        endpoint,
        model: event.model,
        project: demoProviderProject(provider, event.feature),
        eventTier: event.service_tier,
        batch: event.batch,
        contextWindow: provider === 'anthropic' ? contextWindow(event.input_tokens ?? 0) : null,
      },
      endpoint === 'embeddings' ? null : reportedTier(provider, event),
    )
    group.requests += 1
    addTokens(group.tracked, event)
  }
  return { traffic, days: [...daySet].sort((a, b) => a - b), trackedNanos }
}

/** (a) The script runs every night, at a share of the model's tracked requests that day. */
function addUntrackedScript(traffic: TrafficTable, days: readonly number[], random: () => number) {
  const script = PLANTED.untracked
  const added = { requests: 0, input_tokens: 0, output_tokens: 0 }
  for (const day of days) {
    const group = traffic.find(
      {
        day,
        provider: script.provider,
        endpoint: 'completions',
        model: script.model,
        project: script.project,
        eventTier: 'default',
        batch: false,
        contextWindow: null,
      },
      'default',
    )
    const requests = Math.round(script.share * group.requests * (0.7 + 0.6 * random()))
    const input = Math.round(requests * script.input * (0.85 + 0.3 * random()))
    const output = Math.round(requests * script.output * (0.85 + 0.3 * random()))
    group.untrackedRequests += requests
    group.untracked.uncached_input += input
    group.untracked.output += output
    added.requests += requests
    added.input_tokens += input
    added.output_tokens += output
  }
  return added
}

const totalOf = (group: Traffic): Tokens => {
  const total = noTokens()
  for (const kind of TOKEN_KINDS) total[kind] = group.tracked[kind] + group.untracked[kind]
  return total
}

/** A group's line in its provider's usage report, in the fields that report has (others null). */
function usageLine(group: Traffic): InvoiceLine {
  const total = totalOf(group)
  const where = { ...bucket(group.day), provider_project: group.project, model: group.model }
  const requests = group.requests + group.untrackedRequests
  if (group.provider === 'anthropic')
    return invoiceLine({
      provider: 'anthropic',
      source: 'usage_report/messages',
      ...where,
      service_tier: group.reportedTier,
      context_window: group.contextWindow,
      input_tokens: allInput(total),
      cache_read_tokens: total.cache_read,
      cache_write_tokens: total.cache_write_5m + total.cache_write_1h,
      cache_write_1h_tokens: total.cache_write_1h,
      output_tokens: total.output,
      web_search_requests: 0,
    })
  if (group.endpoint === 'embeddings')
    return invoiceLine({
      provider: 'openai',
      source: 'usage/embeddings',
      ...where,
      requests,
      input_tokens: allInput(total),
    })
  return invoiceLine({
    provider: 'openai',
    source: 'usage/completions',
    ...where,
    service_tier: group.reportedTier,
    batch: group.batch,
    requests,
    input_tokens: allInput(total),
    cache_read_tokens: total.cache_read,
    output_tokens: total.output,
    input_audio_tokens: 0,
    output_audio_tokens: 0,
  })
}

/**
 * Bills a group's tokens, kind by kind, into its provider's cost lines (`costLines`, by line), and
 * counts the planted parts in them.
 */
function addCostLines(group: Traffic, rates: RateBook, costLines: Map<string, InvoiceLine>, parts: Parts) {
  const total = totalOf(group)
  const discounted = group.provider === PLANTED.discount.provider && group.model === PLANTED.discount.model
  for (const kind of TOKEN_KINDS) {
    if (total[kind] === 0) continue
    const rate = rates.rate(group, kind)
    const catalog = Math.round(total[kind] * rate.nanos)
    const amount = discounted ? Math.round(catalog * PLANTED.discount.factor) : catalog
    if (rate.private) parts.unpriced += amount
    else {
      parts.untracked += catalog - Math.round(group.tracked[kind] * rate.nanos)
      parts.discount += amount - catalog
    }
    const names = COST_NAMES[group.provider][kind]
    const where = { ...bucket(group.day), provider_project: group.project, model: group.model }
    const line =
      group.provider === 'openai'
        ? invoiceLine({
            provider: 'openai',
            source: 'costs',
            ...where,
            line_item: `${group.model}, ${names.words}`,
            token_type: names.token_type,
            currency: 'usd',
          })
        : invoiceLine({
            provider: 'anthropic',
            source: 'cost_report',
            ...where,
            line_item: `${anthropicDisplayName(group.model)} Usage - ${names.words}`,
            cost_type: 'tokens',
            token_type: names.token_type,
            service_tier: group.reportedTier,
            context_window: group.contextWindow,
            currency: 'USD',
          })
    // OpenAI's costs are by project and line item only: groups that differ in tier share a line.
    const key = `${line.bucket_start}|${line.provider}|${line.provider_project}|${line.line_item}|${line.service_tier}|${line.context_window}`
    const existing = costLines.get(key)
    if (existing) existing.amount_nanos = (existing.amount_nanos ?? 0) + amount
    else costLines.set(key, Object.assign(line, { amount_nanos: amount }))
  }
}

/** (c) The fine-tuning runs' cost lines, on their days of the range. */
function trainingLines(days: readonly number[]) {
  const training = PLANTED.fineTuning
  const result = { lines: [] as InvoiceLine[], days: [] as string[], nanos: 0 }
  for (const run of training.runs) {
    const day = days[Math.min(days.length - 1, Math.floor(days.length * run.dayShare))]
    if (day === undefined) continue
    result.days.push(utcDay(day))
    result.nanos += run.nanos
    result.lines.push(
      invoiceLine({
        provider: training.provider,
        source: 'costs',
        ...bucket(day),
        provider_project: training.project,
        line_item: training.line_item,
        amount_nanos: run.nanos,
        currency: 'usd',
      }),
    )
  }
  return result
}

/** Bucket, provider, report, project, model (none last), line item, tier: one order for every run. */
function compareLines(a: InvoiceLine, b: InvoiceLine): number {
  return (
    a.bucket_start - b.bucket_start ||
    compareText(a.provider, b.provider) ||
    compareText(a.source, b.source) ||
    compareText(a.provider_project, b.provider_project) ||
    compareText(a.model, b.model) ||
    compareText(a.line_item, b.line_item) ||
    compareText(a.service_tier, b.service_tier) ||
    compareText(a.context_window, b.context_window) ||
    Number(a.batch) - Number(b.batch)
  )
}

function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  return a < b ? -1 : 1
}
