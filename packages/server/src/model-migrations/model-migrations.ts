import type {
  AnalyticsQuery,
  Filter,
  MigrationSide,
  ModelMigration,
  ModelMigrationsAnswer,
  QueryRow,
} from '../api/api-types.js'
import { queryInParts } from '../query/query-in-parts.js'
import type { QueryOptions } from '../query/time-limit.js'
import type { Store } from '../store/store.js'
import { type FindOptions, findMigrations, type MigrationPoint } from './find-migrations.js'

/**
 * Model migrations found over the stored history (docs/decisions.md): each feature's calls per model
 * per day (the rollups answer them), the switches findMigrations sees in them, and each side's cost
 * per request, tokens, latency and error rate, as the query model gives them.
 */

export interface MigrationsQuestion {
  project: string
  from?: Date
  to?: Date
  timeZone: string
  filters: readonly Filter[]
}

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
const SIDE_METRICS = [
  'requests',
  'cost_usd',
  'cost_per_request',
  'input_tokens',
  'output_tokens',
  'avg_latency_ms',
  'p95_latency_ms',
  'error_rate',
] as const

const ratio = (after: number | null | undefined, before: number | null | undefined) =>
  after === null || after === undefined || before === null || before === undefined || before === 0
    ? null
    : after / before - 1
const perRequest = (row: QueryRow | undefined, metric: 'input_tokens' | 'output_tokens') =>
  row?.requests ? (row[metric] ?? 0) / row.requests : null

export async function modelMigrations(
  store: Pick<Store, 'query' | 'stats'>,
  question: MigrationsQuestion,
  options?: QueryOptions & FindOptions,
): Promise<ModelMigrationsAnswer> {
  const scope = { project: question.project, timeZone: question.timeZone, filters: [...question.filters] }
  const run = (query: AnalyticsQuery) => store.query(query, options)
  let from = question.from
  let to = question.to
  if (!from || !to) {
    const stats = await store.stats(question.project)
    // Whole hours, so that the rollups answer (query/query-planner.ts).
    from ??= stats.first_ts ? new Date(Math.floor(Date.parse(stats.first_ts) / DAY_MS) * DAY_MS) : undefined
    to ??= stats.last_ts
      ? new Date((Math.floor(Date.parse(stats.last_ts) / HOUR_MS) + 1) * HOUR_MS)
      : undefined
  }
  const answer: ModelMigrationsAnswer = {
    from: question.from?.toISOString() ?? null,
    to: question.to?.toISOString() ?? null,
    tz: question.timeZone,
    migrations: [],
  }
  if (!from || !to) return answer
  const range = { from, to }
  const daily = await queryInParts(
    run,
    { ...scope, ...range, groupBy: ['feature', 'provider', 'model'], bucket: 'day', metrics: ['requests'] },
    DAY_MS,
  )
  const points = findMigrations(
    daily.map((row) => ({
      feature: String(row.feature),
      provider: String(row.provider),
      model: String(row.model),
      dayStart: Date.parse(String(row.bucket_start)),
      day: String(row.bucket_label),
      requests: row.requests ?? 0,
    })),
    options,
  )
  answer.migrations = await Promise.all(points.map((point) => describe(point)))
  answer.migrations.sort((a, b) => b.at.localeCompare(a.at) || a.feature.localeCompare(b.feature))
  return answer

  /** Both sides of a switch: the feature's calls from the previous switch to it, and from it to the next. */
  async function describe(point: MigrationPoint): Promise<ModelMigration> {
    const feature: Filter = { dimension: 'feature', op: 'in', values: [point.feature] }
    const side = (sideFrom: number, sideTo: number) =>
      run({
        ...scope,
        filters: [...scope.filters, feature],
        from: new Date(sideFrom),
        to: new Date(sideTo),
        groupBy: [],
        metrics: [...SIDE_METRICS],
      }).then((rows) => rows[0])
    const end = point.afterTo ?? (to as Date).getTime()
    const [before, after] = await Promise.all([
      side(point.beforeFrom, point.dayStart),
      side(point.dayStart, end),
    ])
    const toSide = (
      row: QueryRow | undefined,
      sideFrom: number,
      sideTo: number,
      model: MigrationPoint['before'],
    ): MigrationSide => ({
      from: new Date(sideFrom).toISOString(),
      to: new Date(sideTo).toISOString(),
      provider: model.provider,
      model: model.model,
      share: model.share,
      requests: row?.requests ?? 0,
      cost_usd: row?.cost_usd ?? null,
      cost_per_request: row?.cost_per_request ?? null,
      input_tokens_per_request: perRequest(row, 'input_tokens'),
      output_tokens_per_request: perRequest(row, 'output_tokens'),
      avg_latency_ms: row?.avg_latency_ms ?? null,
      p95_latency_ms: row?.p95_latency_ms ?? null,
      error_rate: row?.error_rate ?? null,
    })
    const beforeSide = toSide(before, point.beforeFrom, point.dayStart, point.before)
    const afterSide = toSide(after, point.dayStart, end, point.after)
    const tokens = (side: MigrationSide) =>
      side.input_tokens_per_request === null
        ? null
        : side.input_tokens_per_request + (side.output_tokens_per_request ?? 0)
    return {
      feature: point.feature,
      day: point.day,
      at: new Date(point.dayStart).toISOString(),
      before: beforeSide,
      after: afterSide,
      change: {
        cost_per_request: ratio(afterSide.cost_per_request, beforeSide.cost_per_request),
        tokens_per_request: ratio(tokens(afterSide), tokens(beforeSide)),
        p95_latency_ms: ratio(afterSide.p95_latency_ms, beforeSide.p95_latency_ms),
        error_rate:
          afterSide.error_rate === null || beforeSide.error_rate === null
            ? null
            : afterSide.error_rate - beforeSide.error_rate,
      },
    }
  }
}
