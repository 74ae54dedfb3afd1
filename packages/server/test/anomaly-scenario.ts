import type { CostEvent } from 'spendlens'
import type { AnomalyKind } from '../src/api/api-types.js'
import { seededRandom } from '../src/demo/seeded-random.js'
import { costEvent } from './store-contract.js'

/**
 * Weeks of normal traffic with anomalies planted at random times and sizes, for the detectors'
 * tests and benchmark. Normal is seasonal and noisy: daytime features follow the working day
 * and the week, a back-office feature runs only in business hours, customers differ in size, and
 * every hour's volume is drawn around its expectation.
 */

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

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
  model: string
  perHour: number
  /** Cost of one call, dollars. */
  cost: number
  /** The traffic's shape over the day: `day` follows the working day, `flat` runs all day, `office` only 8–18 on weekdays. */
  shape: 'day' | 'flat' | 'office'
  errorRate: number
}

const FEATURES: Feature[] = [
  {
    name: 'chat',
    route: '/api/chat',
    model: 'gpt-4o-mini',
    perHour: 30,
    cost: 0.08,
    shape: 'day',
    errorRate: 0.01,
  },
  {
    name: 'search',
    route: '/api/search',
    model: 'text-embedding-3-small',
    perHour: 20,
    cost: 0.01,
    shape: 'flat',
    errorRate: 0.005,
  },
  {
    name: 'reports',
    route: '/api/reports',
    model: 'claude-haiku-4-5',
    perHour: 8,
    cost: 0.12,
    shape: 'office',
    errorRate: 0.02,
  },
]
const CUSTOMERS = Array.from({ length: 12 }, (_, index) => `customer-${index + 1}`)

function shapeFactor(shape: Feature['shape'], ms: number): number {
  const date = new Date(ms)
  const hour = date.getUTCHours()
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6
  if (shape === 'flat') return 1
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
        customer_id: CUSTOMERS[Math.floor(random() ** 1.6 * CUSTOMERS.length)] as string,
        environment: 'production',
        input_tokens: 1000,
        output_tokens: 200,
        cost_usd: failed ? 0 : Math.round(feature.cost * (0.7 + random() * 0.6) * 1e6) / 1e6,
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
  const night = (ms: number) => {
    const hour = new Date(ms).getUTCHours()
    return new Date(ms).getUTCDay() >= 1 && new Date(ms).getUTCDay() <= 5 && hour >= 1 && hour < 5
  }
  const planted: Planted[] = [
    { kind: 'spend_spike', dimension: 'feature', value: 'chat', hour: randomHour(daytime) },
    { kind: 'customer_hour', dimension: 'customer_id', value: 'customer-9', hour: randomHour(daytime) },
    { kind: 'off_hours', dimension: 'feature', value: 'reports', hour: randomHour(night) },
    { kind: 'error_storm', dimension: 'feature', value: 'search', hour: randomHour(() => true) },
    { kind: 'new_model', dimension: 'model', value: 'gpt-4.1', hour: randomHour(daytime) },
    { kind: 'unpriced_model', dimension: 'model', value: 'private-ft-v3', hour: randomHour(daytime) },
  ]
  const plantedAt = (kind: AnomalyKind, ms: number) => planted.find((item) => item.kind === kind)?.hour === ms

  for (let ms = historyStart; ms < plantedWeekEnd; ms += HOUR_MS) {
    for (const feature of FEATURES) {
      const expected = feature.perHour * shapeFactor(feature.shape, ms)
      const count = Math.round(expected * (0.8 + random() * 0.4))
      const storm = feature.name === 'search' && plantedAt('error_storm', ms)
      for (let index = 0; index < count; index++)
        emit(
          ms,
          feature,
          storm && index % 3 !== 0 ? { status: 'error', http_status: 500, cost_usd: 0.002 } : {},
        )
    }
    const [chat, search, reports] = FEATURES as [Feature, Feature, Feature]
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
    if (plantedAt('customer_hour', ms))
      for (let index = 0; index < 200; index++) emit(ms, chat, { customer_id: 'customer-9', cost_usd: 0.1 })
    // A back-office job running at night, three times over.
    if (plantedAt('off_hours', ms)) for (let index = 0; index < 30; index++) emit(ms, reports)
    if (plantedAt('new_model', ms))
      for (let index = 0; index < 15; index++) emit(ms, chat, { model: 'gpt-4.1', cost_usd: 0.4 })
    if (plantedAt('unpriced_model', ms))
      for (let index = 0; index < 5; index++)
        emit(ms, reports, { model: 'private-ft-v3', cost_usd: null, pricing_status: 'unpriced' })
  }
  return { events, planted, historyStart, plantedWeekStart, plantedWeekEnd }
}
