import { describe, expect, it } from 'vitest'
import { generateDemoEvents } from '../demo/demo-data.js'
import { costEventSchema } from './cost-event-schema.js'
import { eventWindow } from './event-window.js'
import { fastParse, parseCostEvent, slowParse } from './parse-cost-event.js'

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

/** The server's clock in these tests: the demo events below end there. */
const NOW = Date.parse('2026-11-20T12:00:00.000Z')
/** 30 days back, a day ahead: 2026-10-21T12:00Z to 2026-11-21T12:00Z, both included. */
const WINDOW = eventWindow(30, NOW)
const BACKFILL = eventWindow(Number.POSITIVE_INFINITY, NOW)

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
/** NUL and lone surrogates (refused in identifiers, cleaned in labels), and a proper pair (fine). */
const oddText = ['a\u0000b', '\u0000', 'x\ud800', '\udc00y', '\udc00\ud800', '\ud83d\ude00']
const textValues = (max: number) => [
  ...anything,
  ...oddText,
  long(max),
  long(max + 1),
  `${long(max - 1)}\u0000`,
  '\u00e9\u{1f600}',
  ' ',
]
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
  // Either side of the window's bounds, in every form.
  '2026-10-21T12:00:00.000Z',
  '2026-10-21T11:59:59.999Z',
  '2026-10-21T11:59:59Z',
  '2026-10-21T17:30:00+05:30',
  '2026-10-21T17:29:59.999+05:30',
  '2026-11-21T12:00:00.000Z',
  '2026-11-21T12:00:00.001Z',
  '2026-11-21T12:00:00+00:00',
  '2026-11-21T07:00:00.001-05:00',
  WINDOW.oldest,
  WINDOW.oldest - 1,
  WINDOW.newest,
  WINDOW.newest + 1,
  '2025-06-01T00:00:00.000Z',
  '2027-01-01T00:00:00.000Z',
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
  ...oddText.map((text) => ({ [text]: 'value' })),
  ...oddText.map((text) => ({ key: text })),
  { key: `${long(1999)}\ud800` },
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
  provider_project: textValues(500),
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
  computed_cost_usd: [...anything, 0.000001, 1e-12, 1e6, 1e6 + 1, 5e-10],
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

/** Whether JSON text of `event` would carry a `\u` escape of a NUL or a lone surrogate. */
const holdsOddText = (event: unknown) => /\\u(0000|d[89a-f])/i.test(JSON.stringify(event))

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
    for (const event of BASES) expect(fastParse(event, WINDOW)).toStrictEqual(costEventSchema.parse(event))
  })

  it.each([
    ['30 days back', WINDOW],
    ['a backfill', BACKFILL],
  ])(
    'answers exactly what zod answers, or leaves the event to zod, on thousands of mutated events (%s)',
    (_, window) => {
      const random = seededRandom(7)
      let valid = 0
      let fast = 0
      let outsideWindow = 0
      const leftToZod: string[] = []
      for (let index = 0; index < 20_000; index++) {
        const event = mutate(random)
        const expected = slowParse(event, window)
        const actual = fastParse(event, window)
        const oddText = holdsOddText(event)
        if (expected.success && !oddText) valid++
        else if (!expected.success && expected.errors.some((error) => error.includes("server's clock")))
          outsideWindow++
        // What a body without `\u` escapes gets (mayHoldUnsafeText): the same answer, text unchecked.
        if (!oddText) expect(fastParse(event, window, true), JSON.stringify(event)).toStrictEqual(actual)
        if (actual === undefined) {
          // Valid cases deliberately left to zod: a `__proto__` tag (zod drops the key) and text to
          // clean (a NUL or a lone surrogate in a label).
          const protoTag =
            typeof event.tags === 'object' && event.tags !== null && Object.hasOwn(event.tags, '__proto__')
          if (expected.success && !protoTag && !oddText) leftToZod.push(JSON.stringify(event))
          continue
        }
        fast++
        expect(expected.success, JSON.stringify(event)).toBe(true)
        if (expected.success) expect(actual, JSON.stringify(event)).toStrictEqual(expected.data)
      }
      // A valid event the fast path leaves to zod costs time, not correctness; there should be none.
      expect(leftToZod.slice(0, 3)).toEqual([])
      expect(fast).toBeGreaterThan(valid * 0.95)
      // The mutations cross the window often enough that a fast path ignoring it would be caught.
      if (window === WINDOW) expect(outsideWindow).toBeGreaterThan(50)
    },
  )

  it('reports zod’s reasons for an invalid event', () => {
    const result = parseCostEvent({ event_id: 'x', ts: 'yesterday', provider: 'openai', model: 'm' }, WINDOW)
    expect(result.success).toBe(false)
    if (!result.success)
      expect(result.errors).toEqual(expect.arrayContaining([expect.stringMatching(/^ts: /)]))
  })
})

describe('the ingest window', () => {
  const at = (ts: unknown) => ({ event_id: 'w', ts, provider: 'openai', operation: 'chat', model: 'm' })

  it('refuses an event older than the window, naming ts, the bound and --backfill', () => {
    const result = parseCostEvent(at('2026-10-21T11:59:59.999Z'), WINDOW)
    expect(result).toEqual({
      success: false,
      tooOld: true,
      errors: [
        "ts: 2026-10-21T11:59:59.999Z is more than 30 days before the server's clock (2026-11-20T12:00:00.000Z); history goes in with `spendlens import --backfill` (or a server started with a larger --max-event-age-days)",
      ],
    })
    expect(parseCostEvent(at('2026-10-21T12:00:00.000Z'), WINDOW).success).toBe(true)
  })

  it('refuses an event more than a day ahead, even in a backfill', () => {
    for (const window of [WINDOW, BACKFILL]) {
      const result = parseCostEvent(at(WINDOW.newest + 1), window)
      expect(result).toMatchObject({
        success: false,
        errors: [
          expect.stringMatching(/^ts: 2026-11-21T12:00:00\.001Z is more than 1 day after the server's clock/),
        ],
      })
      expect(result).not.toHaveProperty('tooOld', true)
    }
  })

  it('takes any age under a maximum age longer than time itself', () => {
    expect(parseCostEvent(at('0001-01-01T00:00:00.000Z'), eventWindow(1e12, NOW)).success).toBe(true)
  })

  it('takes an event of any age in a backfill', () => {
    expect(parseCostEvent(at('2019-01-01T00:00:00Z'), BACKFILL)).toMatchObject({
      success: true,
      data: { ts: '2019-01-01T00:00:00.000Z' },
    })
  })
})

describe('NUL and lone surrogates', () => {
  const base = {
    event_id: 'u',
    ts: '2026-11-20T10:00:00.000Z',
    provider: 'openai',
    operation: 'chat',
    model: 'm',
  }

  it('refuse an identifier or a tag key, naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ event_id: 'a\u0000b' }, 'event_id'],
      [{ model: 'gpt\ud800' }, 'model'],
      [{ provider_request_id: '\udc00' }, 'provider_request_id'],
      [{ service_tier: 'flex\u0000' }, 'service_tier'],
      [{ tags: { 'k\ud800': 'v' } }, 'tags'],
      [{ tags: { 'k\u0000': 'v' } }, 'tags'],
    ]
    for (const [fields, path] of cases) {
      const result = parseCostEvent({ ...base, ...fields }, WINDOW)
      expect(result.success, path).toBe(false)
      if (!result.success)
        expect(result.errors.join('\n')).toMatch(
          new RegExp(
            `^${path}(\\..*)?: (key )?holds a NUL or a lone surrogate \\(invalid UTF-16\\); identifiers are refused`,
          ),
        )
    }
  })

  it('clean a label, tag values and free text: each bad character becomes U+FFFD', () => {
    const result = parseCostEvent(
      {
        ...base,
        route: '/a\u0000b',
        customer_id: 'acme\ud800',
        provider_project: 'proj\u0000',
        tags: { plan: '\udc00pro', emoji: '\ud83d\ude00' },
        error_type: 'Err\u0000',
        sdk: 'js\ud800',
      },
      WINDOW,
    )
    expect(result).toMatchObject({
      success: true,
      data: {
        route: '/a\ufffdb',
        customer_id: 'acme\ufffd',
        provider_project: 'proj\ufffd',
        tags: { plan: '\ufffdpro', emoji: '\ud83d\ude00' },
        error_type: 'Err\ufffd',
        sdk: 'js\ufffd',
      },
    })
  })
})
