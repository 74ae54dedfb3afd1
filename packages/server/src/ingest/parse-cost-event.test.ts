import { describe, expect, it } from 'vitest'
import { generateDemoEvents } from '../demo/demo-data.js'
import { costEventSchema } from './cost-event-schema.js'
import { fastParse, parseCostEvent } from './parse-cost-event.js'

/** mulberry32, so a failure can be replayed. */
function seededRandom(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const MISSING = Symbol('missing')
const long = (length: number) => 'x'.repeat(length)
const anything = [
  MISSING,
  null,
  true,
  false,
  0,
  -0,
  -1,
  1.5,
  7,
  2 ** 53,
  Number.NaN,
  Infinity,
  '',
  'x',
  {},
  [],
]
const countValues = [...anything, 100, 599, 600, 99, 1e21, 2 ** 53 - 1, 1e9, 1e9 + 1]
const textValues = (max: number) => [...anything, long(max), long(max + 1), '\u00e9\u{1f600}', ' ']
const TIMESTAMPS = [
  ...anything,
  '2026-11-20T10:00:00.000Z',
  '2026-11-20T10:00:00Z',
  '2026-11-20T10:00Z',
  '2026-11-20t10:00:00Z',
  '2026-11-20T10:00:00.123456789+05:30',
  '2026-11-20T10:00:00-08:00',
  '2026-11-20T10:00:00+0530',
  '2026-11-20T10:00:00+24:00',
  '2024-02-29T00:00:00Z',
  '2026-02-29T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-11-20 10:00:00Z',
  '2026-11-20T10:00:00',
  '+012026-11-20T10:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '0000-01-01T00:00:00.000Z',
  '2024-02-29T23:59:59.999Z',
  '2026-11-20T24:00:00.000Z',
  '2026-11-20T10:00:60.000Z',
  1_763_632_800_000,
  8.64e15,
  8.64e15 + 1,
  1.5e12 + 0.5,
  -1_000,
]
const TAGS = [
  ...anything,
  { plan: 'team' },
  { '': 'empty key' },
  JSON.parse('{"__proto__": "x", "a": "b"}'),
  JSON.parse('{"constructor": "x"}'),
  { 2: 'two', b: 'bee', 1: 'one' },
  { a: 1 },
  { a: null },
  { [long(200)]: 'ok' },
  { [long(201)]: 'too long' },
  { a: long(2000) },
  { a: long(2001) },
  Object.fromEntries(Array.from({ length: 64 }, (_, index) => [`t${index}`, 'x'])),
  Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`t${index}`, 'x'])),
]

const FIELD_VALUES: Record<string, unknown[]> = {
  schema_version: [...anything, 1, 2, '1'],
  event_id: textValues(200),
  ts: TIMESTAMPS,
  latency_ms: [...anything, 1e308, 0.001, 86_400_000, 86_400_000.5],
  ttft_ms: [...anything, 86_400_000, 86_400_001],
  provider: textValues(100),
  operation: textValues(100),
  model: textValues(300),
  requested_model: textValues(300),
  provider_request_id: textValues(300),
  feature: textValues(500),
  route: textValues(500),
  customer_id: textValues(500),
  user_id: textValues(500),
  session_id: textValues(500),
  environment: textValues(500),
  prompt_id: textValues(500),
  tags: TAGS,
  input_tokens: countValues,
  cache_read_tokens: countValues,
  cache_write_tokens: countValues,
  cache_write_1h_tokens: countValues,
  output_tokens: countValues,
  reasoning_tokens: countValues,
  input_audio_tokens: countValues,
  output_audio_tokens: countValues,
  input_image_tokens: countValues,
  input_characters: countValues,
  images: countValues,
  audio_seconds: [...anything, 0.25, 86_400, 86_400.5],
  web_search_requests: countValues,
  service_tier: textValues(50),
  batch: anything,
  cost_usd: [...anything, 0.000001, 1e-12, 1e6, 1e6 + 1, 5e-10],
  cost_partial: anything,
  pricing_status: [...anything, 'priced', 'estimated', 'unpriced', 'client', 'PRICED'],
  price_source: textValues(300),
  status: [...anything, 'ok', 'error', 'cancelled', 'failed'],
  error_type: textValues(200),
  http_status: countValues,
  streamed: anything,
  sdk: textValues(100),
  prompt: ['secret text'],
  messages: [[{ content: 'x' }]],
}

const BASES: Record<string, unknown>[] = [
  {
    event_id: 'minimal',
    ts: '2026-11-20T10:00:00.000Z',
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4o-mini',
  },
  ...(JSON.parse(
    JSON.stringify(generateDemoEvents({ days: 2, dailyRequests: 60, now: new Date('2026-11-20T12:00:00Z') })),
  ) as Record<string, unknown>[]),
]

function mutate(random: () => number): Record<string, unknown> {
  const event: Record<string, unknown> = { ...(BASES[Math.floor(random() * BASES.length)] as object) }
  const fields = Object.keys(FIELD_VALUES)
  const changes = 1 + Math.floor(random() * 3)
  for (let change = 0; change < changes; change++) {
    const field = fields[Math.floor(random() * fields.length)] as string
    const values = FIELD_VALUES[field] as unknown[]
    const value = values[Math.floor(random() * values.length)]
    if (value === MISSING) delete event[field]
    else event[field] = value
  }
  return event
}

describe('the fast ingest validator', () => {
  it('takes every well-formed demo event without asking zod', () => {
    for (const event of BASES) expect(fastParse(event)).toStrictEqual(costEventSchema.parse(event))
  })

  it('answers exactly what zod answers, or leaves the event to zod, on thousands of mutated events', () => {
    const random = seededRandom(7)
    let valid = 0
    let fast = 0
    const leftToZod: string[] = []
    for (let index = 0; index < 20_000; index++) {
      const event = mutate(random)
      const expected = costEventSchema.safeParse(event)
      const actual = fastParse(event)
      if (expected.success) valid++
      if (actual === undefined) {
        // A `__proto__` tag is the one valid case deliberately left to zod (it drops the key).
        const protoTag =
          typeof event.tags === 'object' && event.tags !== null && Object.hasOwn(event.tags, '__proto__')
        if (expected.success && !protoTag) leftToZod.push(JSON.stringify(event))
        continue
      }
      fast++
      expect(expected.success, JSON.stringify(event)).toBe(true)
      expect(actual, JSON.stringify(event)).toStrictEqual(expected.data)
    }
    // A valid event the fast path leaves to zod costs time, not correctness; there should be none.
    expect(leftToZod.slice(0, 3)).toEqual([])
    expect(fast).toBeGreaterThan(valid * 0.95)
  })

  it('reports zod’s reasons for an invalid event', () => {
    const result = parseCostEvent({ event_id: 'x', ts: 'yesterday', provider: 'openai', model: 'm' })
    expect(result.success).toBe(false)
    if (!result.success)
      expect(result.errors).toEqual(expect.arrayContaining([expect.stringMatching(/^ts: /)]))
  })
})
