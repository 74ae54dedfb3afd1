import { describe, expect, it } from 'vitest'
import { seededRandom } from '../demo/seeded-random.js'
import { type FeatureModelDay, findMigrations } from './find-migrations.js'

const DAY = 86_400_000
const FIRST = Date.UTC(2026, 10, 1)
const label = (index: number) => new Date(FIRST + index * DAY).toISOString().slice(0, 10)

/** `days` days of a feature, each day's calls split between models by `mix(day)`. */
function history(
  feature: string,
  days: number,
  mix: (day: number) => Record<string, number>,
): FeatureModelDay[] {
  const rows: FeatureModelDay[] = []
  for (let day = 0; day < days; day++)
    for (const [model, requests] of Object.entries(mix(day)))
      rows.push({
        feature,
        provider: 'openai',
        model,
        dayStart: FIRST + day * DAY,
        day: label(day),
        requests,
      })
  return rows
}

describe('findMigrations', () => {
  it('finds the day a feature’s model switched and stayed switched, with each side’s share', () => {
    const rows = history('triage', 30, (day) =>
      day < 18 ? { 'gpt-4o': 95, 'gpt-4o-mini': 5 } : { 'gpt-4o': 3, 'gpt-4o-mini': 97 },
    )

    expect(findMigrations(rows)).toEqual([
      {
        feature: 'triage',
        dayStart: FIRST + 18 * DAY,
        day: '2026-11-19',
        before: { provider: 'openai', model: 'gpt-4o', share: 0.95 },
        after: { provider: 'openai', model: 'gpt-4o-mini', share: 0.97 },
        beforeFrom: FIRST,
        afterTo: undefined,
      },
    ])
  })

  it('finds nothing in traffic split at random between two models, day after day', () => {
    const random = seededRandom(7)
    const rows = history('split', 60, () => {
      const share = 0.3 + random() * 0.4
      return { 'claude-haiku-4-5': Math.round(100 * share), 'gpt-4o-mini': Math.round(100 * (1 - share)) }
    })

    expect(findMigrations(rows)).toEqual([])
  })

  it('finds nothing when another model wins a day or two and the old one comes back', () => {
    const rows = history(
      'blip',
      30,
      (day): Record<string, number> => (day === 12 || day === 13 ? { fallback: 100 } : { main: 100 }),
    )

    expect(findMigrations(rows)).toEqual([])
  })

  it('finds one switch in a rollout over several days, on the day that splits the calls most cleanly', () => {
    const rollout = [0.25, 0.5, 0.75]
    const rows = history('rollout', 30, (day) => {
      const share = day < 10 ? 0 : (rollout[day - 10] ?? 1)
      return { old: 100 * (1 - share), new: 100 * share }
    })
    const found = findMigrations(rows)

    expect(found.map((point) => [point.day, point.before.model, point.after.model])).toEqual([
      ['2026-11-12', 'old', 'new'],
    ])
  })

  it('finds a migration and its rollback, each side bounded by the other', () => {
    const rows = history(
      'rollback',
      40,
      (day): Record<string, number> => (day >= 12 && day < 25 ? { b: 50 } : { a: 50 }),
    )
    const found = findMigrations(rows)

    expect(found.map((point) => [point.day, point.before.model, point.after.model])).toEqual([
      ['2026-11-13', 'a', 'b'],
      ['2026-11-26', 'b', 'a'],
    ])
    expect(found[0]?.afterTo).toBe(FIRST + 25 * DAY)
    expect(found[1]?.beforeFrom).toBe(FIRST + 12 * DAY)
  })

  it('needs enough calls on each side: a handful a day is no evidence', () => {
    const rows = history('rare', 20, (day): Record<string, number> => (day < 10 ? { a: 1 } : { b: 1 }))

    expect(findMigrations(rows)).toEqual([])
    expect(findMigrations(rows, { minRequests: 5 })).toHaveLength(1)
  })
})
