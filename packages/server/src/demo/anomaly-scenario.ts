import type { CostEvent } from 'spendlens'
import type { AnomalyKind } from '../api/api-types.js'
import { costEvent } from './cost-event.js'
import { seededRandom } from './seeded-random.js'

/**
 * Weeks of normal traffic with anomalies planted at random times and sizes, for the detectors'
 * tests and benchmark (bench/anomaly-bench.mjs). Normal is seasonal and noisy: daytime features
 * follow the working day and the week, a back-office feature runs only in business hours, a job
 * runs once a night, customers and users differ in size, and every hour's volume is drawn around
 * its expectation.
 */

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
const round = (usd: number) => Math.round(usd * 1e6) / 1e6

/** A planted anomaly: what the detectors should find, where, and from which hour. */
export interface Planted {
  kind: AnomalyKind
  dimension: string
  value: string
  /** Epoch ms of its first hour. */
  hour: number
}

export interface Scenario {
  events: CostEvent[]
  planted: Planted[]
  /** The normal weeks before the planted ones (the detectors' history), and the week they are planted in. */
  historyStart: number
  plantedWeekStart: number
  plantedWeekEnd: number
}

interface Feature {
  name: string
  route: string
  prompt: string
  model: string
  perHour: number
  /** Cost of one call, dollars. */
  cost: number
  /**
   * The traffic's shape over the day: `day` follows the working day, `flat` runs all day, `office`
   * only 8–18 on weekdays, `nightly` is a job of `perHour` calls at 02:00 every night.
   */
  shape: 'day' | 'flat' | 'office' | 'nightly'
  errorRate: number
}

const FEATURES: Feature[] = [
  {
    name: 'chat',
    route: '/api/chat',
    prompt: 'chat-v2',
    model: 'gpt-4o-mini',
    perHour: 30,
    cost: 0.08,
    shape: 'day',
    errorRate: 0.01,
  },
  {
    name: 'search',
    route: '/api/search',
    prompt: 'search-query',
    model: 'text-embedding-3-small',
    perHour: 20,
    cost: 0.01,
    shape: 'flat',
    errorRate: 0.005,
  },
  {
    name: 'reports',
    route: '/api/reports',
    prompt: 'weekly-report',
    model: 'claude-haiku-4-5',
    perHour: 8,
    cost: 0.12,
    shape: 'office',
    errorRate: 0.02,
  },
  {
    name: 'digest',
    route: '/jobs/digest',
    prompt: 'nightly-digest',
    model: 'gpt-4o-mini',
    perHour: 40,
    cost: 0.05,
    shape: 'nightly',
    errorRate: 0,
  },
]
const CUSTOMERS = Array.from({ length: 12 }, (_, index) => `customer-${index + 1}`)
const USERS = Array.from({ length: 40 }, (_, index) => `user-${index + 1}`)
/** A test account that calls a little every hour, until the hour its loop runs away. */
const TEST_USER = 'qa-bot'

function shapeFactor(shape: Feature['shape'], ms: number): number {
  const date = new Date(ms)
  const hour = date.getUTCHours()
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6
  if (shape === 'flat') return 1
  if (shape === 'nightly') return hour === 2 ? 1 : 0
  if (shape === 'office') return !weekend && hour >= 8 && hour < 18 ? 1 : 0
  const day = 0.25 + 0.75 * Math.max(0, Math.sin(((hour - 6) / 16) * Math.PI))
  return day * (weekend ? 0.5 : 1)
}

/**
 * `weeks` weeks of history and one more with one anomaly of each kind planted at a random hour of
 * it (`seed` picks the hours and sizes). The weeks start on a Monday, UTC.
 */
export function anomalyScenario(options: { weeks?: number; seed?: number; end?: number } = {}): Scenario {
  const weeks = options.weeks ?? 4
  const random = seededRandom(options.seed ?? 11)
  const end = options.end ?? Date.UTC(2026, 10, 30)
  const plantedWeekEnd = end - ((new Date(end).getUTCDay() + 6) % 7) * DAY_MS
  const plantedWeekStart = plantedWeekEnd - 7 * DAY_MS
  const historyStart = plantedWeekStart - weeks * 7 * DAY_MS
  const events: CostEvent[] = []
  let sequence = 0
  const emit = (ms: number, feature: Feature, overrides: Partial<CostEvent> = {}) => {
    const failed = random() < feature.errorRate
    events.push(
      costEvent({
        event_id: `scenario-${sequence++}`,
        ts: new Date(ms + Math.floor(random() * HOUR_MS)).toISOString(),
        provider: feature.model.startsWith('claude') ? 'anthropic' : 'openai',
        model: feature.model,
        feature: feature.name,
        route: feature.route,
        prompt_id: feature.prompt,
        user_id: random() < 0.03 ? TEST_USER : (USERS[Math.floor(random() * USERS.length)] as string),
        customer_id: CUSTOMERS[Math.floor(random() ** 1.6 * CUSTOMERS.length)] as string,
        environment: 'production',
        input_tokens: 1000,
        output_tokens: 200,
        cost_usd: failed ? 0 : round(feature.cost * (0.7 + random() * 0.6)),
        status: failed ? 'error' : 'ok',
        http_status: failed ? 500 : 200,
        ...overrides,
      }),
    )
  }
  // Planted hours: each kind somewhere in the planted week, in an hour its story fits.
  const randomHour = (filter: (ms: number) => boolean) => {
    for (;;) {
      const ms = plantedWeekStart + Math.floor(random() * 7 * 24) * HOUR_MS
      if (filter(ms)) return ms
    }
  }
  const daytime = (ms: number) => {
    const date = new Date(ms)
    return (
      date.getUTCDay() >= 1 && date.getUTCDay() <= 5 && date.getUTCHours() >= 10 && date.getUTCHours() < 16
    )
  }
  const officeHour = (ms: number) => daytime(ms) && new Date(ms).getUTCHours() < 14
  const night = (ms: number) => {
    const hour = new Date(ms).getUTCHours()
    return new Date(ms).getUTCDay() >= 1 && new Date(ms).getUTCDay() <= 5 && hour >= 1 && hour < 5
  }
  const planted: Planted[] = [
    { kind: 'spend_spike', dimension: 'feature', value: 'chat', hour: randomHour(daytime) },
    { kind: 'customer_hour', dimension: 'customer_id', value: 'customer-9', hour: randomHour(daytime) },
    { kind: 'customer_hour', dimension: 'user_id', value: TEST_USER, hour: randomHour(daytime) },
    { kind: 'request_outlier', dimension: 'prompt_id', value: 'chat-v2', hour: randomHour(daytime) },
    {
      kind: 'duplicated_job',
      dimension: 'prompt_id',
      value: 'nightly-digest',
      hour: randomHour((ms) => new Date(ms).getUTCHours() === 2),
    },
    { kind: 'prompt_drift', dimension: 'prompt_id', value: 'weekly-report', hour: randomHour(officeHour) },
    { kind: 'off_hours', dimension: 'feature', value: 'reports', hour: randomHour(night) },
    { kind: 'error_storm', dimension: 'feature', value: 'search', hour: randomHour(() => true) },
    { kind: 'new_model', dimension: 'model', value: 'gpt-4.1', hour: randomHour(daytime) },
    { kind: 'unpriced_model', dimension: 'model', value: 'private-ft-v3', hour: randomHour(daytime) },
  ]
  const plantedAt = (kind: AnomalyKind, ms: number, value?: string) =>
    planted.some((item) => item.kind === kind && item.hour === ms && (!value || item.value === value))
  const drift = planted.find((item) => item.kind === 'prompt_drift') as Planted
  // The drifted prompt's size, from its deploy on: 2–3× the input, each call costing what that adds.
  const bloat = 2 + random()
  const duplicates = random() < 0.5 ? 2 : 3
  const [chat, search, reports] = FEATURES as [Feature, Feature, Feature]
  const bloatedReport = (): Partial<CostEvent> => ({
    input_tokens: Math.round(1000 * bloat),
    cost_usd: round(reports.cost * (0.5 + 0.5 * bloat) * (0.7 + random() * 0.6)),
  })

  for (let ms = historyStart; ms < plantedWeekEnd; ms += HOUR_MS) {
    for (const feature of FEATURES) {
      const expected = feature.perHour * shapeFactor(feature.shape, ms)
      // The nightly job deployed twice over runs its batch two or three times where it ran once.
      const runs = feature.shape === 'nightly' && plantedAt('duplicated_job', ms) ? duplicates : 1
      const count = runs * Math.round(expected * (0.8 + random() * 0.4))
      const storm = feature.name === 'search' && plantedAt('error_storm', ms)
      const bloated = feature === reports && ms >= drift.hour
      for (let index = 0; index < count; index++)
        emit(
          ms,
          feature,
          storm && index % 3 !== 0
            ? { status: 'error', http_status: 500, cost_usd: 0.002 }
            : bloated
              ? bloatedReport()
              : {},
        )
    }
    // A storm: most calls fail, and the clients retry each failure twice; the retries that time out
    // after the model ran are billed in full.
    if (plantedAt('error_storm', ms))
      for (let index = 0; index < 40; index++)
        emit(ms, search, { status: 'error', http_status: 504, cost_usd: 0.02 })
    // A spike: 4–6× the chat feature's hour.
    if (plantedAt('spend_spike', ms)) {
      const extra = Math.round(chat.perHour * shapeFactor('day', ms) * (3 + random() * 2))
      for (let index = 0; index < extra; index++) emit(ms, chat)
    }
    // One customer's test loop: $15–25 in an hour.
    if (plantedAt('customer_hour', ms, 'customer-9'))
      for (let index = 0; index < 200; index++)
        emit(ms, chat, { customer_id: 'customer-9', user_id: 'user-9-admin', cost_usd: 0.1 })
    // A back-office job running at night, three times over.
    if (plantedAt('off_hours', ms))
      for (let index = 0; index < 30; index++) emit(ms, reports, ms >= drift.hour ? bloatedReport() : {})
    if (plantedAt('new_model', ms))
      for (let index = 0; index < 15; index++) emit(ms, chat, { model: 'gpt-4.1', cost_usd: 0.4 })
    // A runaway test account: $12–20 in an hour.
    if (plantedAt('customer_hour', ms, TEST_USER)) {
      const calls = 120 + Math.floor(random() * 80)
      for (let index = 0; index < calls; index++) emit(ms, chat, { user_id: TEST_USER, cost_usd: 0.1 })
    }
    // One request pasting a whole document into the chat: 12–25× the template's tokens.
    if (plantedAt('request_outlier', ms)) {
      const input = Math.round(1200 * (12 + random() * 13))
      emit(ms, chat, { input_tokens: input, output_tokens: 800, cost_usd: round(input * 0.00006) })
    }
    if (plantedAt('unpriced_model', ms))
      for (let index = 0; index < 5; index++)
        emit(ms, reports, {
          ...(ms >= drift.hour ? bloatedReport() : {}),
          model: 'private-ft-v3',
          cost_usd: null,
          pricing_status: 'unpriced',
        })
  }
  return { events, planted, historyStart, plantedWeekStart, plantedWeekEnd }
}
