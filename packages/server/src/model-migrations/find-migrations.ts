/**
 * When did a feature's model change? From each feature's calls per model per day, the days on
 * which its main model switched and stayed switched: a migration (gpt-4o → gpt-4o-mini), a rollback,
 * a new snapshot. A model that only wins a day or two (an A/B test, a retry storm on a fallback) or
 * traffic split between two models is not one. docs/decisions.md "Model migrations".
 */

/** One feature's calls on one model in one day. */
export interface FeatureModelDay {
  feature: string
  provider: string
  model: string
  /** The day's start (epoch ms) and its label (`YYYY-MM-DD` in the time zone asked). */
  dayStart: number
  day: string
  requests: number
}

/** A switch of a feature's main model: the first day of the new one. */
export interface MigrationPoint {
  feature: string
  dayStart: number
  day: string
  before: { provider: string; model: string; share: number }
  after: { provider: string; model: string; share: number }
  /**
   * The days the old model held (from the previous switch, or the first day) and the new one holds
   * (to the next switch; undefined: to the end).
   */
  beforeFrom: number
  afterTo: number | undefined
}

export interface FindOptions {
  /** Days on each side of a candidate day that decide its shares (default 7). */
  windowDays?: number
  /** Days with calls each side needs (default 3). */
  minDays?: number
  /** Calls each side needs (default 20). */
  minRequests?: number
  /** The share of a side's calls its main model must have, before and after (default 0.7). */
  dominantShare?: number
}

interface Day {
  start: number
  label: string
  /** Requests by `provider/model`. */
  models: Map<string, number>
  total: number
}

const modelKey = (provider: string, model: string) => JSON.stringify([provider, model])

/** Each model's share of a run of days' calls; the main one first. */
function shares(days: readonly Day[]): { key: string; share: number; requests: number } {
  const totals = new Map<string, number>()
  let all = 0
  for (const day of days) {
    for (const [key, requests] of day.models) totals.set(key, (totals.get(key) ?? 0) + requests)
    all += day.total
  }
  let best = { key: '', share: 0, requests: all }
  for (const [key, requests] of totals) {
    const share = all === 0 ? 0 : requests / all
    if (share > best.share || (share === best.share && key < best.key)) best = { key, share, requests: all }
  }
  return best
}

/** The share of `key` among a run of days' calls. */
function shareOf(days: readonly Day[], key: string): number {
  let of = 0
  let all = 0
  for (const day of days) {
    of += day.models.get(key) ?? 0
    all += day.total
  }
  return all === 0 ? 0 : of / all
}

/** The switches of every feature's main model in `rows`, oldest first per feature. */
export function findMigrations(
  rows: readonly FeatureModelDay[],
  options: FindOptions = {},
): MigrationPoint[] {
  const window = options.windowDays ?? 7
  const minDays = options.minDays ?? 3
  const minRequests = options.minRequests ?? 20
  const dominant = options.dominantShare ?? 0.7

  const byFeature = new Map<string, Map<number, Day>>()
  for (const row of rows) {
    if (row.requests <= 0) continue
    const days = byFeature.get(row.feature) ?? new Map<number, Day>()
    const day = days.get(row.dayStart) ?? { start: row.dayStart, label: row.day, models: new Map(), total: 0 }
    const key = modelKey(row.provider, row.model)
    day.models.set(key, (day.models.get(key) ?? 0) + row.requests)
    day.total += row.requests
    days.set(row.dayStart, day)
    byFeature.set(row.feature, days)
  }

  const found: MigrationPoint[] = []
  for (const [feature, dayMap] of [...byFeature].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const days = [...dayMap.values()].sort((a, b) => a.start - b.start)
    // Days where the main model of the days before differs from the main model of the days after,
    // each holding `dominant` of its side: scored by how cleanly they split.
    const candidates: { index: number; score: number; from: string; to: string }[] = []
    for (let index = minDays; index <= days.length - minDays; index++) {
      const before = days.slice(Math.max(0, index - window), index)
      const after = days.slice(index, index + window)
      const old = shares(before)
      const next = shares(after)
      if (old.key === next.key || old.share < dominant || next.share < dominant) continue
      if (old.requests < minRequests || next.requests < minRequests) continue
      candidates.push({ index, score: old.share + next.share, from: old.key, to: next.key })
    }
    // A rollout over several days qualifies on each of them: one switch per run, its cleanest day.
    const points: typeof candidates = []
    for (const candidate of candidates) {
      const last = points.at(-1)
      const sameRun =
        last !== undefined &&
        candidate.index <= last.index + window &&
        candidate.from === last.from &&
        candidate.to === last.to
      if (!sameRun) points.push(candidate)
      else if (candidate.score > last.score) points[points.length - 1] = candidate
    }
    // Stays switched: the new model keeps `dominant` of the calls until the next switch (or the end).
    const kept = points.filter((point, position) => {
      const until = points[position + 1]?.index ?? days.length
      return shareOf(days.slice(point.index, until), point.to) >= dominant
    })
    kept.forEach((point, position) => {
      const [beforeProvider, beforeModel] = JSON.parse(point.from) as [string, string]
      const [afterProvider, afterModel] = JSON.parse(point.to) as [string, string]
      const day = days[point.index] as Day
      const previous = kept[position - 1]
      const next = kept[position + 1]
      found.push({
        feature,
        dayStart: day.start,
        day: day.label,
        before: {
          provider: beforeProvider,
          model: beforeModel,
          share: shareOf(days.slice(Math.max(0, point.index - window), point.index), point.from),
        },
        after: {
          provider: afterProvider,
          model: afterModel,
          share: shareOf(days.slice(point.index, point.index + window), point.to),
        },
        beforeFrom: (days[previous?.index ?? 0] as Day).start,
        afterTo: next ? (days[next.index] as Day).start : undefined,
      })
    })
  }
  return found
}
