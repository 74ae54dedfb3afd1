import { describe, expect, it } from 'vitest'
import { ALERTS_CONFIG_SCHEMA } from '../src/alerts/alerts-config.js'
import { type AlertRule, route } from '../src/alerts/route.js'
import { anomaly } from './alerts-fixtures.js'

const customer = anomaly({
  id: 'c',
  kind: 'customer_hour',
  scope: { dimension: 'customer_id', value: 'acme' },
  money_at_stake_usd: 40,
  severity: 'medium',
})
const bigFeature = anomaly({ id: 'f', money_at_stake_usd: 250, severity: 'high' })
const smallWhole = anomaly({
  id: 'w',
  kind: 'off_hours',
  scope: null,
  money_at_stake_usd: 3,
  severity: 'low',
})
const bigCustomer = anomaly({
  id: 'b',
  kind: 'customer_hour',
  scope: { dimension: 'customer_id', value: 'globex' },
  money_at_stake_usd: 500,
  severity: 'high',
})

const rules: AlertRule[] = [
  { channels: ['sales-eng'], dimensions: ['customer_id'] },
  { channels: ['on-call'], minMoneyUsd: 100 },
]

describe('routing', () => {
  it('customer anomalies go to #sales-eng, everything of $100 or more to on-call, both when both match', () => {
    const routed = route([customer, bigFeature, smallWhole, bigCustomer], rules)
    expect([...routed.keys()].sort()).toEqual(['on-call', 'sales-eng'])
    expect(routed.get('sales-eng')?.map((one) => one.id)).toEqual(['c', 'b'])
    expect(routed.get('on-call')?.map((one) => one.id)).toEqual(['f', 'b'])
  })

  it('an anomaly reaches a channel once, however many rules name it', () => {
    const routed = route(
      [bigCustomer],
      [...rules, { channels: ['on-call', 'sales-eng'], kinds: ['customer_hour'] }],
    )
    expect(routed.get('on-call')).toHaveLength(1)
    expect(routed.get('sales-eng')).toHaveLength(1)
  })

  it('kinds, minimum severity and `all` for whole-project anomalies', () => {
    expect(
      route([customer, bigFeature, smallWhole], [{ channels: ['x'], kinds: ['off_hours', 'spend_spike'] }])
        .get('x')
        ?.map((one) => one.id),
    ).toEqual(['f', 'w'])
    expect(
      route([customer, bigFeature, smallWhole], [{ channels: ['x'], minSeverity: 'medium' }])
        .get('x')
        ?.map((one) => one.id),
    ).toEqual(['c', 'f'])
    expect(
      route([customer, bigFeature, smallWhole], [{ channels: ['x'], dimensions: ['all'] }])
        .get('x')
        ?.map((one) => one.id),
    ).toEqual(['w'])
  })

  it('nothing matched: no channel in the map', () => {
    expect(route([smallWhole], rules).size).toBe(0)
  })
})

describe('configuration', () => {
  const channels = [
    { id: 'sales-eng', kind: 'slack', url: 'https://hooks.slack.com/services/T/B/x' },
    { id: 'on-call', kind: 'webhook', url: 'https://pager.example.com/in', secret: 'sixteen-chars-ok' },
    { id: 'finance', kind: 'email', host: 'smtp.example.com', from: 'a@example.com', to: ['b@example.com'] },
  ]

  it('parses channels and rules, filling the email defaults', () => {
    const config = ALERTS_CONFIG_SCHEMA.parse({ channels, rules })
    expect(config.channels[2]).toMatchObject({ port: 587, secure: false })
  })

  it('refuses a rule naming an unknown channel, a short secret, an unknown dimension, duplicate ids', () => {
    const issues = (input: unknown) =>
      ALERTS_CONFIG_SCHEMA.safeParse(input).error?.issues.map((issue) => issue.message) ?? []
    expect(issues({ channels, rules: [{ channels: ['nowhere'] }] })).toEqual(['no channel nowhere'])
    expect(issues({ channels: [{ ...channels[1], secret: 'short' }], rules: [] })).toHaveLength(1)
    expect(issues({ channels, rules: [{ channels: ['on-call'], dimensions: ['color'] }] })).toEqual([
      'a dimension or `all`',
    ])
    expect(issues({ channels: [channels[0], channels[0]], rules: [] })).toEqual(['channel sales-eng twice'])
    expect(issues({ channels: [{ ...channels[2], user: 'me' }], rules: [] })).toEqual([
      'user and password go together',
    ])
  })
})
