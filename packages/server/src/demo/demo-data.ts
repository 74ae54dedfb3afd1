import type { CostEvent } from 'spendlens'
import {
  buildCostEvent,
  type CallRecord,
  convertAnthropicUsage,
  convertOpenAIChatUsage,
  convertOpenAIEmbeddingsUsage,
  convertOpenAIResponsesUsage,
} from 'spendlens/internal'
import { detectAnomalies } from '../anomalies/detect-anomalies.js'
import { ANOMALIES_TABLE, type AnomalyRecord } from '../schema/anomalies-table.js'
import { INVOICE_PROVIDERS } from '../schema/invoice-table.js'
import { DEFAULT_PROJECT } from '../schema/projects.js'
import type { Store } from '../store/store.js'
import { loadDemoBudgets } from './demo-budgets.js'
import { loadDemoEconomics } from './demo-economics.js'
import { DEMO_INVOICE_SOURCES, demoProviderProject, generateDemoInvoice } from './demo-invoice.js'
import { plantModelMigration } from './demo-migration.js'
import { DEMO_PROJECT, markDemoLoaded } from './demo-project.js'
import { seededRandom } from './seeded-random.js'

/**
 * A fictional multi-tenant product ("Quill", an AI writing and support suite) over N days. Every
 * event is a provider-shaped usage object run through the SDK's own converters and pricing at a
 * backdated timestamp, so the demo's costs are computed exactly as real traffic's are. The traffic
 * follows a working week, a working day and a little growth, with noise in every call.
 *
 * Like a real product, its features share models and its customers differ: chat answers on
 * gpt-4o-mini with gpt-4o for "smarter answers", the support agent's first-line replies on
 * claude-haiku-4-5 beside claude-sonnet-4, the summarizer A/B-tests gpt-4.1-mini against
 * claude-haiku-4-5, long reports go to claude-sonnet-4-5, search re-indexes on text-embedding-3-large;
 * most calls ask for an alias (`gpt-4o`, `claude-sonnet-4-0`) and the response reports the snapshot
 * it resolved to, so the Models view's families and snapshots differ, and a failed call (which
 * reports none) carries the alias. Customers are a few heavy ones and a long tail, and some have a
 * shape of their own (CUSTOMER_SHAPES): a search product of many cheap requests (hooli), a law firm
 * of few, costly ones (wayne-enterprises), a contact centre, an engineering shop. The code-review
 * agent's move from o3 to o4-mini is planted by loadDemo (demo-migration.ts).
 *
 * Oddities the views show as they are:
 * - customer `globex` explodes 12× on one day (a runaway integration on the cheapest model: many
 *   requests, little money, below every anomaly detector's dollar floor);
 * - `email-classifier`, a trivial task, runs on claude-opus-4-1 (the most expensive model).
 *
 * And the stories the anomaly detectors find (docs/anomalies.md, "The demo's stories"), each at a
 * time relative to the end of the demo, after at least a week of normal history:
 * - `feature-loop`: on a working day of the last week, the code-review agent loops over every
 *   customer's pull requests for five hours and burns about 60% of that day's spend (a spend spike
 *   of the feature);
 * - `test-user`: the next working day, `qa-loadtest` (a QA user of the internal customer
 *   `quill-internal`, who otherwise only runs an hourly synthetic check) load-tests production for
 *   four hours, about 40% of that day's spend (the user's and the customer's hour);
 * - `prompt-bloat`: the next working day at 13:00 UTC, a deploy more than doubles
 *   `support-agent-v7`'s prompt (~9k input tokens to ~20k), and it stays so (a prompt drift);
 * - `duplicated-job`: the nightly classifier job, one batch at 02:00 UTC, runs three times
 *   (02:00, 02:50, 03:40) from two nights before the end (a duplicated job);
 * - `private-model`: `contract-drafting` launches 16 days before the end on a private model with no
 *   public price: its cost is unknown, not zero (a new model, of unknown price).
 * A demo too short to hold a week of history before a story leaves it out (and contract-drafting
 * runs from the start).
 *
 * Beside the events, loadDemo stores the providers' invoice for the same traffic, with a gap of its
 * own to explain (demo-invoice.ts), and what the detectors find in them.
 */

type Shape = 'openai-chat' | 'openai-responses' | 'openai-embeddings' | 'anthropic-messages'

/** A model a feature calls: the one asked for (often an alias) and the snapshot the response reports. */
interface ModelChoice {
  provider: 'openai' | 'anthropic'
  shape: Shape
  requested_model: string
  reported_model: string
}

interface FeatureProfile extends ModelChoice {
  feature: string
  route: string
  /**
   * Other models the feature also calls, each on this share of its calls (the rest go to its main
   * model): a premium tier, an A/B test, a re-index.
   */
  alternatives?: (ModelChoice & { share: number })[]
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
    // The "smarter answers" toggle.
    alternatives: [{ share: 0.15, provider: 'openai', shape: 'openai-chat', requested_model: 'gpt-4o', reported_model: 'gpt-4o-2024-08-06' }],
    weight: 34, input: 1800, output: 320, cachedShare: 0.45, reasoningShare: 0, streamedShare: 0.85,
    baseLatencyMs: 300, msPerOutputToken: 5,
  },
  {
    feature: 'semantic-search', route: '/api/search', provider: 'openai', shape: 'openai-embeddings',
    requested_model: 'text-embedding-3-small', reported_model: 'text-embedding-3-small', prompt_id: 'search-query',
    // The new index being built beside the old one.
    alternatives: [{ share: 0.1, provider: 'openai', shape: 'openai-embeddings', requested_model: 'text-embedding-3-large', reported_model: 'text-embedding-3-large' }],
    weight: 30, input: 220, output: 0, cachedShare: 0, reasoningShare: 0, streamedShare: 0,
    baseLatencyMs: 120, msPerOutputToken: 0,
  },
  {
    feature: 'doc-summarizer', route: '/api/summarize', provider: 'anthropic', shape: 'anthropic-messages',
    requested_model: 'claude-haiku-4-5', reported_model: 'claude-haiku-4-5-20251001', prompt_id: 'summarize-v2',
    // An A/B test of another provider's small model.
    alternatives: [{ share: 0.25, provider: 'openai', shape: 'openai-responses', requested_model: 'gpt-4.1-mini', reported_model: 'gpt-4.1-mini-2025-04-14' }],
    weight: 14, input: 7000, output: 450, cachedShare: 0.5, reasoningShare: 0, streamedShare: 0.3,
    baseLatencyMs: 500, msPerOutputToken: 4,
  },
  {
    feature: 'support-agent', route: '/api/support/reply', provider: 'anthropic', shape: 'anthropic-messages',
    requested_model: 'claude-sonnet-4-0', reported_model: 'claude-sonnet-4-20250514', prompt_id: 'support-agent-v7',
    // First-line replies on the small model.
    alternatives: [{ share: 0.2, provider: 'anthropic', shape: 'anthropic-messages', requested_model: 'claude-haiku-4-5', reported_model: 'claude-haiku-4-5-20251001' }],
    weight: 15, input: 9000, output: 650, cachedShare: 0.7, reasoningShare: 0, streamedShare: 0.9,
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
    // Long reports go to Claude.
    alternatives: [{ share: 0.3, provider: 'anthropic', shape: 'anthropic-messages', requested_model: 'claude-sonnet-4-5', reported_model: 'claude-sonnet-4-5-20250929' }],
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

/**
 * Customers are not all alike: how much more (or less) than its size alone would say a customer
 * uses each feature. The rest use every feature in proportion to their size.
 */
const CUSTOMER_SHAPES: Record<string, Partial<Record<string, number>>> = {
  // An engineering shop: code review more than anything.
  initech: { 'code-review': 4, 'chat-assistant': 0.6 },
  // A contact centre: the support agent all day.
  umbrella: { 'support-agent': 3, 'semantic-search': 0.5 },
  // A search product on the embeddings: many requests, little money.
  hooli: { 'semantic-search': 6, 'support-agent': 0.3, 'report-writer': 0.2 },
  // A law firm: few requests, long reports and contracts, the most per request.
  'wayne-enterprises': {
    'report-writer': 12,
    'contract-drafting': 12,
    'doc-summarizer': 3,
    'chat-assistant': 0.3,
    'semantic-search': 0.2,
  },
}

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

/** The model of one call of `profile`: one of its alternatives on its share of calls, else its main model. */
function pickModel(profile: FeatureProfile, random: () => number): ModelChoice {
  let target = random()
  for (const alternative of profile.alternatives ?? []) {
    target -= alternative.share
    if (target < 0) return alternative
  }
  return profile
}

export interface DemoOptions {
  /** End of the demo period (default: now). */
  now?: Date
  days?: number
  /** Average requests on a weekday before growth (default 1400). */
  dailyRequests?: number
  seed?: number
}

/** One of the stories planted in the demo (see the top of this file). */
export interface DemoStory {
  name: DemoStoryName
  /** Epoch ms, a whole UTC hour: when it starts. */
  start: number
  /** The events it added, or for the prompt that bloated, the events it made larger. */
  planted: CostEvent[]
}

export type DemoStoryName = 'feature-loop' | 'test-user' | 'duplicated-job' | 'prompt-bloat' | 'private-model'

export interface DemoData {
  /** Epoch ms: the start of the demo's first UTC day. */
  from: number
  events: CostEvent[]
  /** The stories the demo is long enough to carry, in the order they start. */
  stories: DemoStory[]
}

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
/** A story starts this many days after the demo's first at the earliest: a week of history for the detectors to compare with, and a day to spare. */
const STORY_HISTORY_DAYS = 8
/** The code-review agent's loop: calls per review the product would otherwise make, in its hours. */
const LOOP_CALLS_PER_REVIEW = 34
/**
 * The load test's calls per hour, per feature: at most about $0.50 an hour on any one, so that the
 * test stands out as the test user's and its customer's, and no one feature's.
 */
const LOAD_TEST_CALLS: Record<string, number> = {
  'chat-assistant': 100,
  'semantic-search': 50,
  'doc-summarizer': 72,
  'support-agent': 18,
  'code-review': 35,
  'report-writer': 12,
}
/** The support agent's prompt after the deploy, against before it. */
const BLOAT_FACTOR = 2.2
/** Emails the classifier job takes from the queue each run. */
const CLASSIFIER_BATCH = 90
const INTERNAL_CUSTOMER = 'quill-internal'
const TEST_USER = 'qa-loadtest'

/** Some hours of one day (its index in the demo). */
interface Hours {
  day: number
  fromHour: number
  hours: number
}

const within = (hours: Hours | undefined, day: number, hour: number) =>
  hours !== undefined && day === hours.day && hour >= hours.fromHour && hour < hours.fromHour + hours.hours

/** When each story happens: relative to the end of the demo, so they are always recent. */
interface StorySchedule {
  /** The day contract-drafting (and its private model) launched: 0 when the demo is too short to show it. */
  contractLaunchDay: number
  loop?: Hours
  loadTest?: Hours
  /** Epoch ms of the support agent's deploy. */
  bloatFrom?: number
  /** The first night the classifier's job runs three times. */
  triplicatedFromDay?: number
}

function scheduleStories(firstDay: number, days: number): StorySchedule {
  const today = days - 1
  const weekday = (day: number) => new Date(firstDay + day * DAY_MS).getUTCDay()
  /** The `nth` working day (Monday to Friday) before today: deploys and load tests happen on working days. */
  const workingDay = (nth: number) => {
    let day = today
    for (let found = 0; found < nth; ) {
      day--
      if (weekday(day) !== 0 && weekday(day) !== 6) found++
    }
    return day
  }
  const recent = (day: number) => (day >= STORY_HISTORY_DAYS ? day : undefined)
  const loopDay = recent(workingDay(4))
  const loadTestDay = recent(workingDay(3))
  const bloatDay = recent(workingDay(2))
  const contractLaunchDay = recent(today - 16) ?? 0
  return {
    contractLaunchDay,
    loop: loopDay === undefined ? undefined : { day: loopDay, fromHour: 10, hours: 5 },
    loadTest: loadTestDay === undefined ? undefined : { day: loadTestDay, fromHour: 13, hours: 4 },
    bloatFrom: bloatDay === undefined ? undefined : firstDay + bloatDay * DAY_MS + 13 * HOUR_MS,
    triplicatedFromDay: recent(today - 2),
  }
}

/** The demo's events (generateDemo, without its stories' bookkeeping). */
export function generateDemoEvents(options: DemoOptions = {}): CostEvent[] {
  return generateDemo(options).events
}

/** The demo's events, and the stories planted in them (what each added, for tests and docs to check). */
export function generateDemo(options: DemoOptions = {}): DemoData {
  const now = options.now ?? new Date()
  const end = now.getTime()
  const days = options.days ?? 30
  const dailyRequests = options.dailyRequests ?? 1400
  const random = seededRandom(options.seed ?? 42)
  const featureTotal = FEATURES.reduce((sum, profile) => sum + profile.weight, 0)
  const customerWeights = CUSTOMER_NAMES.map((_, rank) => 1 / (rank + 1) ** 1.1)
  const customerTotal = customerWeights.reduce((sum, weight) => sum + weight, 0)
  // Each feature's customers: their size times their shape's liking for it.
  const featureCustomers = new Map(
    FEATURES.map((profile) => {
      const weights = CUSTOMER_NAMES.map(
        (name, rank) => (customerWeights[rank] as number) * (CUSTOMER_SHAPES[name]?.[profile.feature] ?? 1),
      )
      return [profile.feature, { weights, total: weights.reduce((sum, weight) => sum + weight, 0) }]
    }),
  )
  const hourTotal = HOUR_WEIGHTS.reduce((sum, weight) => sum + weight, 0)
  const firstDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY_MS
  const explosionDay = days - 6
  const schedule = scheduleStories(firstDay, days)
  const events: CostEvent[] = []
  const stories = new Map<DemoStoryName, DemoStory>()
  const plant = (name: DemoStoryName, event: CostEvent | undefined) => {
    if (!event) return
    const start = Math.floor(Date.parse(event.ts) / HOUR_MS) * HOUR_MS
    const story = stories.get(name)
    if (!story) stories.set(name, { name, start, planted: [event] })
    else {
      story.start = Math.min(story.start, start)
      story.planted.push(event)
    }
  }
  const noise = (spread: number) => Math.exp((random() - 0.5) * 2 * spread)
  const pickCustomer = (feature?: string) => {
    const shaped = feature === undefined ? undefined : featureCustomers.get(feature)
    return shaped
      ? pickWeighted(random, CUSTOMER_NAMES, shaped.weights, shaped.total)
      : pickWeighted(random, CUSTOMER_NAMES, customerWeights, customerTotal)
  }
  const profileOf = (feature: string) =>
    FEATURES.find((profile) => profile.feature === feature) as FeatureProfile
  let sequence = 0

  /**
   * One call, as the SDK would have recorded it (`caller` for a known user's, in production);
   * undefined when it falls after the end of the demo.
   */
  const emit = (
    profile: FeatureProfile,
    startedAt: number,
    customer: string,
    dayIndex: number,
    caller?: string,
    model: ModelChoice = pickModel(profile, random),
  ): CostEvent | undefined => {
    if (startedAt > end) return undefined
    const bloated =
      profile.feature === 'support-agent' &&
      schedule.bloatFrom !== undefined &&
      startedAt >= schedule.bloatFrom
    const input = Math.max(8, Math.round(profile.input * (bloated ? BLOAT_FACTOR : 1) * noise(0.6)))
    const output = profile.output === 0 ? 0 : Math.max(1, Math.round(profile.output * noise(0.7)))
    const cached = random() < profile.cachedShare ? Math.floor((input * (0.5 + random() * 0.4)) / 64) * 64 : 0
    const reasoning = Math.round(output * profile.reasoningShare)
    const failed = random() < 0.012
    const streamed = random() < profile.streamedShare
    const latency = (profile.baseLatencyMs + profile.msPerOutputToken * output) * noise(0.35)
    const userId = caller ?? `${customer}-user-${1 + Math.floor(random() ** 2 * 12)}`
    const id = sequence++
    const record: CallRecord = {
      event_id: `demo-${new Date(firstDay).toISOString().slice(0, 10)}-${id}`,
      started_at: startedAt,
      latency_ms: Math.round(failed ? latency * 0.2 : latency),
      ttft_ms: streamed && !failed ? Math.round(profile.baseLatencyMs * noise(0.3)) : null,
      provider: model.provider,
      operation: model.shape === 'anthropic-messages' ? 'messages' : model.shape.replace('openai-', ''),
      requested_model: model.requested_model,
      model: failed ? null : model.reported_model,
      provider_request_id: `req_demo_${id.toString(36)}`,
      // The OpenAI client knows its project (the `project` option); Anthropic's has no such notion.
      provider_project: model.provider === 'openai' ? demoProviderProject('openai', profile.feature) : null,
      tags: {
        feature: profile.feature,
        route: profile.route,
        customer_id: customer,
        user_id: userId,
        session_id: `${userId}-${dayIndex}-${Math.floor(random() * 4)}`,
        environment: caller === undefined && random() < 0.04 ? 'staging' : 'production',
        prompt_id: profile.prompt_id,
        plan:
          customer === INTERNAL_CUSTOMER
            ? 'internal'
            : CUSTOMER_NAMES.indexOf(customer) < 10
              ? 'enterprise'
              : 'team',
      },
      usage: failed
        ? usageFor(model.shape, 0, 0, 0, 0, random)
        : usageFor(model.shape, input, output, Math.min(cached, input), reasoning, random),
      service_tier: 'default',
      batch: false,
      status: failed ? 'error' : 'ok',
      error_type: failed ? (random() < 0.8 ? 'RateLimitError' : 'InternalServerError') : null,
      http_status: failed ? (random() < 0.8 ? 429 : 500) : 200,
      streamed,
    }
    const event = buildCostEvent(record)
    events.push(event)
    if (bloated) plant('prompt-bloat', event)
    return event
  }

  for (let dayIndex = 0; dayIndex < days; dayIndex++) {
    const dayStart = firstDay + dayIndex * DAY_MS
    const weekday = new Date(dayStart).getUTCDay()
    const weekFactor = weekday === 0 || weekday === 6 ? 0.45 : 1
    const growth = 1 + 0.01 * dayIndex
    const launched = dayIndex >= schedule.contractLaunchDay
    const features = launched
      ? FEATURES
      : FEATURES.filter((profile) => profile.feature !== 'contract-drafting')
    const weights = features.map((profile) => profile.weight)
    const weightTotal = weights.reduce((sum, weight) => sum + weight, 0)
    for (let hour = 0; hour < 24; hour++) {
      const hourStart = dayStart + hour * HOUR_MS
      if (hourStart > end) break
      const expected = (dailyRequests * weekFactor * growth * (HOUR_WEIGHTS[hour] as number)) / hourTotal
      const count = Math.floor(expected + random())
      for (let index = 0; index < count; index++) {
        const startedAt = hourStart + Math.floor(random() * HOUR_MS)
        const profile = pickWeighted(random, features, weights, weightTotal)
        const event = emit(profile, startedAt, pickCustomer(profile.feature), dayIndex)
        if (profile.feature === 'contract-drafting' && schedule.contractLaunchDay > 0)
          plant('private-model', event)
      }
      // globex's runaway integration: twelve times its usual chat traffic for one day.
      if (dayIndex === explosionDay) {
        const chatShare = (FEATURES[0] as FeatureProfile).weight / featureTotal
        const extra = Math.round((expected * chatShare * 11 * (customerWeights[0] as number)) / customerTotal)
        for (let index = 0; index < extra; index++)
          emit(
            FEATURES[0] as FeatureProfile,
            hourStart + Math.floor(random() * HOUR_MS),
            'globex',
            dayIndex,
            undefined,
            FEATURES[0] as FeatureProfile,
          )
      }
      // The QA team's synthetic check, every hour: one question to the support agent, as the test user.
      emit(profileOf('support-agent'), hourStart + 17 * 60_000, INTERNAL_CUSTOMER, dayIndex, TEST_USER)
      // The nightly classifier job: once at 02:00; from its deploy on, also at 02:50 and 03:40.
      if (hour === 2) {
        const runs = dayIndex >= (schedule.triplicatedFromDay ?? days) ? [0, 50, 100] : [0]
        for (const minute of runs) {
          for (let index = 0; index < CLASSIFIER_BATCH; index++) {
            const startedAt = hourStart + minute * 60_000 + index * 1_500
            const event = emit(CLASSIFIER, startedAt, pickCustomer(), dayIndex)
            if (minute > 0) plant('duplicated-job', event)
          }
        }
      }
      // The code-review agent stuck in a loop, re-reviewing every customer's open pull requests.
      if (within(schedule.loop, dayIndex, hour)) {
        const reviews = (expected * profileOf('code-review').weight) / featureTotal
        const calls = Math.round(reviews * LOOP_CALLS_PER_REVIEW)
        for (let index = 0; index < calls; index++) {
          const startedAt = hourStart + Math.floor(random() * HOUR_MS)
          const customer = CUSTOMER_NAMES[Math.floor(random() * CUSTOMER_NAMES.length)] as string
          plant('feature-loop', emit(profileOf('code-review'), startedAt, customer, dayIndex))
        }
      }
      // The test user's load test, against production, for a few hours of one afternoon.
      if (within(schedule.loadTest, dayIndex, hour)) {
        for (const [feature, calls] of Object.entries(LOAD_TEST_CALLS))
          for (let index = 0; index < calls; index++) {
            const startedAt = hourStart + Math.floor(random() * HOUR_MS)
            plant('test-user', emit(profileOf(feature), startedAt, INTERNAL_CUSTOMER, dayIndex, TEST_USER))
          }
      }
    }
  }
  return { from: firstDay, events, stories: [...stories.values()].sort((a, b) => a.start - b.start) }
}

/**
 * Whether an anomaly is one the demo's backtest found (loadDemo, before the store's DEMO_META_KEY
 * time): the running job may extend or resolve it, but nobody's on-call hears about a demo.
 */
export function foundByDemo(
  anomaly: Pick<AnomalyRecord, 'project' | 'detectedAt'>,
  demoLoadedAt: string | null,
): boolean {
  return (
    anomaly.project === DEMO_PROJECT ||
    // A demo an older spendlens loaded into the default project.
    (demoLoadedAt !== null &&
      anomaly.project === DEFAULT_PROJECT &&
      anomaly.detectedAt <= Date.parse(demoLoadedAt))
  )
}

/**
 * Generates the demo and stores it, marking the store as holding demo data: the events, the invoice
 * the providers would show for them (demo-invoice.ts) in the same project (DEMO_PROJECT for a server's
 * demo: demo-project.ts), each of its
 * reports replaced over the events' days, and what the anomaly detectors find in them. Straight
 * into the store, as history: ingest's window (30 days back, ingest/event-window.ts) is no bound
 * for `spendlens demo --days 90`.
 *
 * The detectors are replayed over the demo's hours as a backtest (as `spendlens anomalies` does) and
 * what they find is stored, so that the stories show at once: the running server's job only looks
 * at the last hours. Found in the past, they are never alerted (start-server.ts).
 */
export async function loadDemo(
  store: Store,
  options: DemoOptions & {
    /** Where it goes: `spendlens serve` and `spendlens demo` load it into DEMO_PROJECT. Default: the default project. */
    project?: string
  } = {},
): Promise<{ events: number; invoiceLines: number; anomalies: number }> {
  const project = options.project ?? DEFAULT_PROJECT
  const end = (options.now ?? new Date()).getTime()
  const demo = generateDemo({ ...options, now: new Date(end) })
  const { from } = demo
  const events = plantModelMigration(demo.events)
  for (let start = 0; start < events.length; start += 20_000)
    await store.append(events.slice(start, start + 20_000), project)
  const { lines, truth } = generateDemoInvoice(events, { seed: options.seed })
  if (lines.length > 0) {
    for (const provider of INVOICE_PROVIDERS) {
      for (const source of DEMO_INVOICE_SOURCES[provider]) {
        const range = { project, provider, source, from: truth.from, to: truth.to }
        await store.replaceInvoiceLines(
          range,
          lines.filter((line) => line.provider === provider && line.source === source),
        )
      }
    }
  }
  await loadDemoEconomics(store, events, options.seed, project)
  await loadDemoBudgets(store, end, project)
  const anomalies = await detectAnomalies({
    store,
    project,
    from,
    to: end,
    existing: [],
    now: () => end,
  })
  if (anomalies.length > 0) await store.writeRecords(ANOMALIES_TABLE, anomalies)
  await markDemoLoaded(store, project)
  return { events: events.length, invoiceLines: lines.length, anomalies: anomalies.length }
}
