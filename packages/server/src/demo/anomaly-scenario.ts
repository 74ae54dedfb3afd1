import type { CostEvent } from 'spendlens'
import { DEFAULT_THRESHOLDS } from '../anomalies/detector.js'
import type { AnomalyKind } from '../api/api-types.js'
import { costEvent } from './cost-event.js'
import { seededRandom } from './seeded-random.js'

/**
 * Weeks of normal traffic with anomalies planted at random times and sizes, for the detectors'
 * tests and benchmark (bench/anomaly-bench.mjs). Normal is seasonal and noisy: daytime features
 * follow the working day and the week, a back-office feature runs only in business hours, a job
 * runs once a night, customers and users differ in size, and every hour's volume is drawn around
 * its expectation. Each plant has a size (in its kind's unit, PLANT_SIZES), drawn by the scenario or
 * asked for, so that sizes below the detectors' floors can be planted too.
 */

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
const round = (usd: number) => Math.round(usd * 1e6) / 1e6
/** Every normal call's tokens. */
const USUAL_INPUT_TOKENS = 1000
const USUAL_OUTPUT_TOKENS = 200
/** The price of one call of a runaway loop (a customer's or the test account's). */
const LOOP_CALL_USD = 0.1

/** A planted anomaly: what the detectors should find, where, from which hour, and how large. */
export interface Planted {
  kind: AnomalyKind
  dimension: string
  value: string
  /** Epoch ms of its first hour. */
  hour: number
  /** How large, in its kind's unit (PLANT_SIZES). */
  size: number
}

/** Where and when an anomaly is planted, before its size is known. */
export type PlantSpot = Omit<Planted, 'size'>

/**
 * What a plant's size measures, and its floor: the size at which the detectors' default thresholds
 * (DEFAULT_THRESHOLDS) are met in that unit, before the hour's noise (volume ±20%, price per call
 * ±30%) moves the figure the detector sees. Prompt drift must also cost its dollar floor over its
 * two hours, which this template's price meets a little above the ratio.
 */
export const PLANT_SIZES: Record<AnomalyKind, { unit: string; floor: number }> = {
  spend_spike: { unit: "× the feature's usual hour", floor: DEFAULT_THRESHOLDS.spikeRatio },
  customer_hour: { unit: '$ a loop adds to the hour', floor: DEFAULT_THRESHOLDS.customerMinUsd },
  request_outlier: {
    unit: "× the template's tokens per request",
    floor: DEFAULT_THRESHOLDS.outlierRatio,
  },
  duplicated_job: { unit: "× the job's usual night", floor: DEFAULT_THRESHOLDS.jobRatio },
  prompt_drift: { unit: "× the template's input tokens", floor: DEFAULT_THRESHOLDS.driftRatio },
  off_hours: { unit: 'calls in a silent hour', floor: DEFAULT_THRESHOLDS.offHoursMinRequests },
  error_storm: { unit: 'failed calls in the hour', floor: DEFAULT_THRESHOLDS.errorMinCount },
  new_model: { unit: 'calls to the new model', floor: 1 },
  unpriced_model: { unit: 'calls of unknown price', floor: 1 },
}

export interface ScenarioOptions {
  /** Weeks of normal traffic before the planted week (default 4, the detectors' baseline). */
  weeks?: number
  /** Picks the planted hours and the sizes not asked for (default 11). */
  seed?: number
  /** The planted week ends at the last Monday, UTC, at or before `end` (epoch ms). */
  end?: number
  /** Each plant's size in its kind's unit (PLANT_SIZES); undefined: the scenario draws its own. */
  sizes?: (spot: PlantSpot) => number | undefined
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
export function anomalyScenario(options: ScenarioOptions = {}): Scenario {
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
        input_tokens: USUAL_INPUT_TOKENS,
        output_tokens: USUAL_OUTPUT_TOKENS,
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
  const spots = [
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
  ] as const satisfies readonly PlantSpot[]
  const [spike, customerLoop, testLoop, outlier, job, drift, offHours, storm, newModel, unpriced] = spots
  // A plant's size: the one asked for, else the scenario's own draw, made where it always was (the
  // same seed gives the same scenario as before sizes could be asked for).
  const sizes = new Map<PlantSpot, number>()
  const sizeOf = (spot: PlantSpot, draw: () => number) => {
    let size = sizes.get(spot)
    if (size === undefined) {
      size = options.sizes?.(spot) ?? draw()
      sizes.set(spot, size)
    }
    return size
  }
  // The drifted prompt's size, from its deploy on (2–3× the input), each call costing what that adds.
  const bloat = sizeOf(drift, () => 2 + random())
  // The nightly job deployed twice over runs its batch two or three times where it ran once.
  const runs = sizeOf(job, () => (random() < 0.5 ? 2 : 3))
  const [chat, search, reports] = FEATURES as [Feature, Feature, Feature]
  const bloatedReport = (): Partial<CostEvent> => ({
    input_tokens: Math.round(USUAL_INPUT_TOKENS * bloat),
    cost_usd: round(reports.cost * (0.5 + 0.5 * bloat) * (0.7 + random() * 0.6)),
  })
  const loop = (ms: number, spot: PlantSpot, draw: () => number, overrides: Partial<CostEvent>) => {
    const calls = Math.round(sizeOf(spot, draw) / LOOP_CALL_USD)
    for (let index = 0; index < calls; index++) emit(ms, chat, { ...overrides, cost_usd: LOOP_CALL_USD })
  }

  for (let ms = historyStart; ms < plantedWeekEnd; ms += HOUR_MS) {
    // A storm's failed calls: most of the feature's own calls, the rest retries (below).
    let stormFailures = 0
    for (const feature of FEATURES) {
      const expected = feature.perHour * shapeFactor(feature.shape, ms)
      const times = feature.shape === 'nightly' && ms === job.hour ? runs : 1
      const count = Math.round(times * Math.round(expected * (0.8 + random() * 0.4)))
      if (feature === search && ms === storm.hour)
        stormFailures = sizeOf(storm, () => count - Math.ceil(count / 3) + 40)
      const bloated = feature === reports && ms >= drift.hour
      for (let index = 0; index < count; index++) {
        const fails = feature === search && stormFailures > 0 && index % 3 !== 0
        if (fails) stormFailures--
        emit(
          ms,
          feature,
          fails ? { status: 'error', http_status: 500, cost_usd: 0.002 } : bloated ? bloatedReport() : {},
        )
      }
    }
    // A storm: most calls fail, and the clients retry each failure twice; the retries that time out
    // after the model ran are billed in full.
    for (let index = 0; index < stormFailures; index++)
      emit(ms, search, { status: 'error', http_status: 504, cost_usd: 0.02 })
    // A spike: by default 4–6× the chat feature's hour.
    if (ms === spike.hour) {
      const multiple = sizeOf(spike, () => 4 + random() * 2)
      const extra = Math.round(chat.perHour * shapeFactor('day', ms) * (multiple - 1))
      for (let index = 0; index < extra; index++) emit(ms, chat)
    }
    // One customer's test loop: by default $20 in an hour.
    if (ms === customerLoop.hour)
      loop(ms, customerLoop, () => 20, { customer_id: 'customer-9', user_id: 'user-9-admin' })
    // A back-office job running at night, by default three times over.
    if (ms === offHours.hour) {
      const calls = Math.round(sizeOf(offHours, () => 30))
      for (let index = 0; index < calls; index++) emit(ms, reports, ms >= drift.hour ? bloatedReport() : {})
    }
    if (ms === newModel.hour) {
      const calls = Math.round(sizeOf(newModel, () => 15))
      for (let index = 0; index < calls; index++) emit(ms, chat, { model: 'gpt-4.1', cost_usd: 0.4 })
    }
    // A runaway test account: by default $12–20 in an hour.
    if (ms === testLoop.hour)
      loop(ms, testLoop, () => (120 + Math.floor(random() * 80)) * LOOP_CALL_USD, { user_id: TEST_USER })
    // One request pasting a whole document into the chat: by default 13–26× the template's tokens.
    if (ms === outlier.hour) {
      const usual = USUAL_INPUT_TOKENS + USUAL_OUTPUT_TOKENS
      const output = 800
      const multiple = sizeOf(outlier, () => (Math.round(usual * (12 + random() * 13)) + output) / usual)
      const input = Math.round(usual * multiple) - output
      emit(ms, chat, { input_tokens: input, output_tokens: output, cost_usd: round(input * 0.00006) })
    }
    if (ms === unpriced.hour) {
      const calls = Math.round(sizeOf(unpriced, () => 5))
      for (let index = 0; index < calls; index++)
        emit(ms, reports, {
          ...(ms >= drift.hour ? bloatedReport() : {}),
          model: 'private-ft-v3',
          cost_usd: null,
          pricing_status: 'unpriced',
        })
    }
  }
  const planted = spots.map((spot) => ({ ...spot, size: sizes.get(spot) as number }))
  return { events, planted, historyStart, plantedWeekStart, plantedWeekEnd }
}
