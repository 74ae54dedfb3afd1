import type { CostEvent } from 'spendlens'
import {
  buildCostEvent,
  type CallRecord,
  convertAnthropicUsage,
  convertOpenAIChatUsage,
  convertOpenAIEmbeddingsUsage,
  convertOpenAIResponsesUsage,
} from 'spendlens/internal'
import { INVOICE_PROVIDERS } from '../schema/invoice-table.js'
import { DEFAULT_PROJECT } from '../schema/projects.js'
import type { Store } from '../store/store.js'
import { loadDemoEconomics } from './demo-economics.js'
import { DEMO_INVOICE_SOURCES, demoProviderProject, generateDemoInvoice } from './demo-invoice.js'
import { plantModelMigration } from './demo-migration.js'
import { seededRandom } from './seeded-random.js'

/**
 * A fictional multi-tenant product ("Quill", an AI writing and support suite) over N days. Every
 * event is a provider-shaped usage object run through the SDK's own converters and pricing at a
 * backdated timestamp, so the demo's costs are computed exactly as real traffic's are.
 *
 * Planted oddities, for the views to find:
 * - customer `globex` explodes 12× on one day (a runaway integration);
 * - `email-classifier`, a trivial task, runs on claude-opus-4-1 (the most expensive model);
 * - that classifier is a cron job firing three times a night (02:00, 02:10, 02:20 UTC);
 * - `contract-drafting` uses a private model with no public price: its cost is unknown, not zero.
 *
 * Beside the events, loadDemo stores the providers' invoice for the same traffic, with a gap of its
 * own to explain (demo-invoice.ts).
 */

type Shape = 'openai-chat' | 'openai-responses' | 'openai-embeddings' | 'anthropic-messages'

interface FeatureProfile {
  feature: string
  route: string
  provider: 'openai' | 'anthropic'
  shape: Shape
  requested_model: string
  reported_model: string
  prompt_id: string
  weight: number
  input: number
  output: number
  cachedShare: number
  reasoningShare: number
  streamedShare: number
  baseLatencyMs: number
  msPerOutputToken: number
}

// biome-ignore format: one profile per block reads better than one field per line
const FEATURES: FeatureProfile[] = [
  {
    feature: 'chat-assistant', route: '/api/chat', provider: 'openai', shape: 'openai-chat',
    requested_model: 'gpt-4o-mini', reported_model: 'gpt-4o-mini-2024-07-18', prompt_id: 'chat-system-v3',
    weight: 40, input: 1800, output: 320, cachedShare: 0.45, reasoningShare: 0, streamedShare: 0.85,
    baseLatencyMs: 300, msPerOutputToken: 5,
  },
  {
    feature: 'semantic-search', route: '/api/search', provider: 'openai', shape: 'openai-embeddings',
    requested_model: 'text-embedding-3-small', reported_model: 'text-embedding-3-small', prompt_id: 'search-query',
    weight: 30, input: 220, output: 0, cachedShare: 0, reasoningShare: 0, streamedShare: 0,
    baseLatencyMs: 120, msPerOutputToken: 0,
  },
  {
    feature: 'doc-summarizer', route: '/api/summarize', provider: 'anthropic', shape: 'anthropic-messages',
    requested_model: 'claude-haiku-4-5', reported_model: 'claude-haiku-4-5-20251001', prompt_id: 'summarize-v2',
    weight: 14, input: 7000, output: 450, cachedShare: 0.5, reasoningShare: 0, streamedShare: 0.3,
    baseLatencyMs: 500, msPerOutputToken: 4,
  },
  {
    feature: 'support-agent', route: '/api/support/reply', provider: 'anthropic', shape: 'anthropic-messages',
    requested_model: 'claude-sonnet-4-20250514', reported_model: 'claude-sonnet-4-20250514', prompt_id: 'support-agent-v7',
    weight: 9, input: 9000, output: 650, cachedShare: 0.7, reasoningShare: 0, streamedShare: 0.9,
    baseLatencyMs: 800, msPerOutputToken: 8,
  },
  {
    feature: 'code-review', route: '/api/review', provider: 'openai', shape: 'openai-chat',
    requested_model: 'o4-mini', reported_model: 'o4-mini-2025-04-16', prompt_id: 'code-review-v1',
    weight: 5, input: 5000, output: 2200, cachedShare: 0.2, reasoningShare: 0.65, streamedShare: 0,
    baseLatencyMs: 2500, msPerOutputToken: 4,
  },
  {
    feature: 'report-writer', route: '/api/reports', provider: 'openai', shape: 'openai-responses',
    requested_model: 'gpt-4.1', reported_model: 'gpt-4.1-2025-04-14', prompt_id: 'weekly-report-v1',
    weight: 1.5, input: 12000, output: 1600, cachedShare: 0.1, reasoningShare: 0, streamedShare: 0.5,
    baseLatencyMs: 1200, msPerOutputToken: 8,
  },
  {
    feature: 'contract-drafting', route: '/api/contracts', provider: 'openai', shape: 'openai-chat',
    requested_model: 'quill-legal-ft-v2', reported_model: 'quill-legal-ft-v2', prompt_id: 'contract-v4',
    weight: 0.5, input: 4000, output: 1200, cachedShare: 0, reasoningShare: 0, streamedShare: 0,
    baseLatencyMs: 3000, msPerOutputToken: 20,
  },
]

// biome-ignore format: as above
const CLASSIFIER: FeatureProfile = {
  feature: 'email-classifier', route: '/jobs/classify-email', provider: 'anthropic', shape: 'anthropic-messages',
  requested_model: 'claude-opus-4-1-20250805', reported_model: 'claude-opus-4-1-20250805', prompt_id: 'classify-email-v1',
  weight: 0, input: 900, output: 12, cachedShare: 0, reasoningShare: 0, streamedShare: 0,
  baseLatencyMs: 1200, msPerOutputToken: 30,
}

// biome-ignore format: a list of names
const CUSTOMER_NAMES = [
  'globex', 'initech', 'umbrella', 'hooli', 'acme', 'stark-industries', 'wayne-enterprises', 'wonka', 'soylent', 'cyberdyne',
  'tyrell', 'massive-dynamic', 'aperture', 'black-mesa', 'oscorp', 'gringotts', 'monsters-inc', 'pied-piper', 'vandelay',
  'dunder-mifflin', 'bluth-company', 'prestige-worldwide', 'los-pollos', 'krusty-krab', 'duff', 'nakatomi', 'weyland',
  'rekall', 'spacely', 'cogswell', 'virtucon', 'ollivanders', 'sterling-cooper', 'wernham-hogg', 'paper-street',
  'strickland-propane', 'bubba-gump', 'chotchkies', 'benthic', 'zorg', 'genco', 'omni-consumer', 'ingen', 'sirius-cybernetics',
  'buy-n-large', 'mooby', 'kwik-e-mart', 'planet-express', 'mom-corp', 'praxis',
]

function pickWeighted<T>(
  random: () => number,
  items: readonly T[],
  weights: readonly number[],
  total: number,
): T {
  let target = random() * total
  for (let index = 0; index < items.length; index++) {
    target -= weights[index] as number
    if (target <= 0) return items[index] as T
  }
  return items[items.length - 1] as T
}

/** Requests per hour of day (UTC), shaped like a European + US working day. */
const HOUR_WEIGHTS = [
  0.25, 0.2, 0.18, 0.18, 0.2, 0.3, 0.5, 0.8, 1.1, 1.3, 1.4, 1.4, 1.3, 1.4, 1.6, 1.7, 1.6, 1.4, 1.1, 0.9, 0.7,
  0.55, 0.4, 0.3,
]

function usageFor(
  shape: Shape,
  input: number,
  output: number,
  cached: number,
  reasoning: number,
  random: () => number,
) {
  switch (shape) {
    case 'openai-chat':
      return convertOpenAIChatUsage({
        prompt_tokens: input,
        completion_tokens: output,
        total_tokens: input + output,
        prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0 },
      })
    case 'openai-responses':
      return convertOpenAIResponsesUsage({
        input_tokens: input,
        input_tokens_details: { cached_tokens: cached },
        output_tokens: output,
        output_tokens_details: { reasoning_tokens: reasoning },
        total_tokens: input + output,
      })
    case 'openai-embeddings':
      return convertOpenAIEmbeddingsUsage({ prompt_tokens: input, total_tokens: input })
    case 'anthropic-messages': {
      // Anthropic's input_tokens excludes the cache; a small share of calls writes the cache.
      const write = cached === 0 && random() < 0.08 ? Math.round(input * 0.6) : 0
      const oneHour = write > 0 && random() < 0.3 ? write : 0
      return convertAnthropicUsage({
        input_tokens: input - cached - write,
        cache_read_input_tokens: cached,
        cache_creation_input_tokens: write,
        cache_creation: { ephemeral_5m_input_tokens: write - oneHour, ephemeral_1h_input_tokens: oneHour },
        output_tokens: output,
        service_tier: 'standard',
      })
    }
  }
}

export interface DemoOptions {
  /** End of the demo period (default: now). */
  now?: Date
  days?: number
  /** Average requests on a weekday before growth (default 1400). */
  dailyRequests?: number
  seed?: number
}

export function generateDemoEvents(options: DemoOptions = {}): CostEvent[] {
  const now = options.now ?? new Date()
  const days = options.days ?? 30
  const dailyRequests = options.dailyRequests ?? 1400
  const random = seededRandom(options.seed ?? 42)
  const featureWeights = FEATURES.map((profile) => profile.weight)
  const featureTotal = featureWeights.reduce((sum, weight) => sum + weight, 0)
  const customerWeights = CUSTOMER_NAMES.map((_, rank) => 1 / (rank + 1) ** 1.1)
  const customerTotal = customerWeights.reduce((sum, weight) => sum + weight, 0)
  const hourTotal = HOUR_WEIGHTS.reduce((sum, weight) => sum + weight, 0)
  const firstDay =
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * 86_400_000
  const explosionDay = days - 6
  const events: CostEvent[] = []
  const noise = (spread: number) => Math.exp((random() - 0.5) * 2 * spread)

  const emit = (
    profile: FeatureProfile,
    startedAt: number,
    customer: string,
    dayIndex: number,
    sequence: number,
  ) => {
    const input = Math.max(8, Math.round(profile.input * noise(0.6)))
    const output = profile.output === 0 ? 0 : Math.max(1, Math.round(profile.output * noise(0.7)))
    const cached = random() < profile.cachedShare ? Math.floor((input * (0.5 + random() * 0.4)) / 64) * 64 : 0
    const reasoning = Math.round(output * profile.reasoningShare)
    const failed = random() < 0.012
    const streamed = random() < profile.streamedShare
    const latency = (profile.baseLatencyMs + profile.msPerOutputToken * output) * noise(0.35)
    const userNumber = 1 + Math.floor(random() ** 2 * 12)
    const record: CallRecord = {
      event_id: `demo-${new Date(firstDay).toISOString().slice(0, 10)}-${sequence}`,
      started_at: startedAt,
      latency_ms: Math.round(failed ? latency * 0.2 : latency),
      ttft_ms: streamed && !failed ? Math.round(profile.baseLatencyMs * noise(0.3)) : null,
      provider: profile.provider,
      operation: profile.shape === 'anthropic-messages' ? 'messages' : profile.shape.replace('openai-', ''),
      requested_model: profile.requested_model,
      model: failed ? null : profile.reported_model,
      provider_request_id: `req_demo_${sequence.toString(36)}`,
      // The OpenAI client knows its project (the `project` option); Anthropic's has no such notion.
      provider_project: profile.provider === 'openai' ? demoProviderProject('openai', profile.feature) : null,
      tags: {
        feature: profile.feature,
        route: profile.route,
        customer_id: customer,
        user_id: `${customer}-user-${userNumber}`,
        session_id: `${customer}-${userNumber}-${dayIndex}-${Math.floor(random() * 4)}`,
        environment: random() < 0.04 ? 'staging' : 'production',
        prompt_id: profile.prompt_id,
        plan: CUSTOMER_NAMES.indexOf(customer) < 10 ? 'enterprise' : 'team',
      },
      usage: failed
        ? usageFor(profile.shape, 0, 0, 0, 0, random)
        : usageFor(profile.shape, input, output, Math.min(cached, input), reasoning, random),
      service_tier: 'default',
      batch: false,
      status: failed ? 'error' : 'ok',
      error_type: failed ? (random() < 0.8 ? 'RateLimitError' : 'InternalServerError') : null,
      http_status: failed ? (random() < 0.8 ? 429 : 500) : 200,
      streamed,
    }
    events.push(buildCostEvent(record))
  }

  let sequence = 0
  for (let dayIndex = 0; dayIndex < days; dayIndex++) {
    const dayStart = firstDay + dayIndex * 86_400_000
    const weekday = new Date(dayStart).getUTCDay()
    const weekFactor = weekday === 0 || weekday === 6 ? 0.45 : 1
    const growth = 1 + 0.01 * dayIndex
    for (let hour = 0; hour < 24; hour++) {
      const hourStart = dayStart + hour * 3_600_000
      if (hourStart > now.getTime()) break
      const expected = (dailyRequests * weekFactor * growth * (HOUR_WEIGHTS[hour] as number)) / hourTotal
      const count = Math.floor(expected + random())
      for (let index = 0; index < count; index++) {
        const startedAt = hourStart + Math.floor(random() * 3_600_000)
        if (startedAt > now.getTime()) continue
        const profile = pickWeighted(random, FEATURES, featureWeights, featureTotal)
        const customer = pickWeighted(random, CUSTOMER_NAMES, customerWeights, customerTotal)
        emit(profile, startedAt, customer, dayIndex, sequence++)
      }
      // globex's runaway integration: twelve times its usual chat traffic for one day.
      if (dayIndex === explosionDay) {
        const extra = Math.round((expected * 0.4 * 11 * (customerWeights[0] as number)) / customerTotal)
        for (let index = 0; index < extra; index++) {
          const startedAt = hourStart + Math.floor(random() * 3_600_000)
          if (startedAt <= now.getTime())
            emit(FEATURES[0] as FeatureProfile, startedAt, 'globex', dayIndex, sequence++)
        }
      }
      // The nightly classifier cron, scheduled three times by mistake.
      if (hour === 2) {
        for (const minute of [0, 10, 20]) {
          for (let index = 0; index < 40; index++) {
            const startedAt = hourStart + minute * 60_000 + index * 1_500
            const customer = pickWeighted(random, CUSTOMER_NAMES, customerWeights, customerTotal)
            if (startedAt <= now.getTime()) emit(CLASSIFIER, startedAt, customer, dayIndex, sequence++)
          }
        }
      }
    }
  }
  return events
}

export const DEMO_META_KEY = 'demo_loaded_at'

/**
 * Generates the demo and stores it, marking the store as holding demo data: the events, and the
 * invoice the providers would show for them (demo-invoice.ts) in the same (default) project, each of
 * its reports replaced over the events' days. Straight into the store, as history: ingest's window
 * (30 days back, ingest/event-window.ts) is no bound for `spendlens demo --days 90`.
 */
export async function loadDemo(
  store: Store,
  options: DemoOptions = {},
): Promise<{ events: number; invoiceLines: number }> {
  const events = plantModelMigration(generateDemoEvents(options))
  for (let start = 0; start < events.length; start += 20_000)
    await store.append(events.slice(start, start + 20_000))
  const { lines, truth } = generateDemoInvoice(events, { seed: options.seed })
  if (lines.length > 0) {
    for (const provider of INVOICE_PROVIDERS) {
      for (const source of DEMO_INVOICE_SOURCES[provider]) {
        const range = { project: DEFAULT_PROJECT, provider, source, from: truth.from, to: truth.to }
        await store.replaceInvoiceLines(
          range,
          lines.filter((line) => line.provider === provider && line.source === source),
        )
      }
    }
  }
  await loadDemoEconomics(store, events, options.seed)
  await store.setMeta(DEMO_META_KEY, new Date().toISOString())
  return { events: events.length, invoiceLines: lines.length }
}
