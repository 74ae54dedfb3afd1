import { USAGE_FIELDS } from 'spendlens'
import type { Filter } from '../api/api-types.js'
import type { EngineName } from './dialect.js'
import type { Execute } from './run-query.js'
import { SqlBuilder } from './sql-builder.js'

/**
 * The usage units of a call that are not text tokens: a call that used one is counted apart (its
 * bit in `units`), so that a sum never mixes calls a target model can price with calls it cannot.
 */
export const UNIT_FLAGS = {
  input_audio_tokens: 1,
  output_audio_tokens: 2,
  input_characters: 4,
  audio_seconds: 8,
  web_search_requests: 16,
  images: 32,
  file_search_requests: 64,
  code_interpreter_sessions: 128,
  output_image_tokens: 256,
} as const
export type UnitField = keyof typeof UNIT_FLAGS

/** The usage sums of a TokenSumRow: every count of the CostEvent (the SDK's own list), unknown summed as 0. */
export const SUMMED_USAGE = USAGE_FIELDS
export type SummedUsage = Record<(typeof SUMMED_USAGE)[number], number>

/** Which calls to sum, and how finely to cut them so that each sum can be priced as a whole. */
export interface TokenSumsRequest {
  project: string
  from?: Date
  to?: Date
  filters: readonly Filter[]
  /** Input-token thresholds: a call falls in the band of how many it passes (`>`, as the catalog's tiers). */
  inputThresholds: readonly number[]
  /** Instants (epoch ms) that cut time into periods: each call falls in the period of how many it passed. */
  periodStarts: readonly number[]
  /** Also cut by the half hour of the UTC day (a price that depends on the time of day). */
  byHalfHour: boolean
  /** When given, calls with more input tokens than this are counted (`over_context`). */
  contextWindow?: number
}

/** The calls of one feature, model and tier that are alike in every way a price can depend on. */
export interface TokenSumRow extends SummedUsage {
  feature: string
  provider: string
  model: string
  service_tier: string | null
  batch: boolean
  /** Their recorded cost is known (cost_nanos not null). */
  known_cost: boolean
  /** The UNIT_FLAGS of the units they used. */
  units: number
  band: number
  period: number
  /** The half hour of the UTC day (0–47), or 0 when not cut by it. */
  half_hour: number
  /** The first call's start, epoch ms. */
  first_ts: number
  requests: number
  /** Their recorded cost, integer nano-dollars (0 when unknown). */
  cost_nanos: number
  /** Calls with more input tokens than the context window asked about. */
  over_context: number
}

const HALF_HOUR_MS = 1_800_000
const DAY_MS = 86_400_000

/**
 * Sums of every usage count of the events in scope, by feature, model, tier and whatever else a
 * price depends on (recorded cost known or not, units used, input band, price period, half hour),
 * the same SQL on both engines. Over the events themselves: the rollups keep neither every count
 * (1-hour cache writes, image tokens, characters) nor each call's input, which the bands need.
 */
export async function readTokenSums(
  engine: EngineName,
  execute: Execute,
  request: TokenSumsRequest,
): Promise<TokenSumRow[]> {
  const sql = new SqlBuilder(engine)
  const { dialect } = sql
  const ms = dialect.epochMs('ts')
  const flag = (condition: string, value: number) => `(CASE WHEN ${condition} THEN ${value} ELSE 0 END)`
  const sumOf = (parts: string[]) => (parts.length > 0 ? parts.join(' + ') : '0')
  const units = sumOf(
    Object.entries(UNIT_FLAGS).map(([column, bit]) => flag(`coalesce(${column}, 0) > 0`, bit)),
  )
  const band = sumOf(
    request.inputThresholds.map((threshold) => flag(`coalesce(input_tokens, 0) > ${sql.bind(threshold)}`, 1)),
  )
  const period = sumOf(request.periodStarts.map((start) => flag(`${ms} >= ${sql.bind(start)}`, 1)))
  const halfHour = request.byHalfHour ? `floor((${ms} % ${DAY_MS}) / ${HALF_HOUR_MS})` : '0'
  const overContext =
    request.contextWindow === undefined
      ? '0'
      : dialect.countIf(`coalesce(input_tokens, 0) > ${sql.bind(request.contextWindow)}`)
  const sums = SUMMED_USAGE.map((column) => `${dialect.sumOrZero(column)} AS sum_${column}`)
  const where = sql.where({
    project: request.project,
    from: request.from,
    to: request.to,
    filters: [...request.filters],
  })
  const rows = await execute(
    sql.done(
      `SELECT feature, provider, model, service_tier, batch, ${flag('cost_nanos IS NOT NULL', 1)} AS known_cost, ${units} AS units, ${band} AS band, ${period} AS period, ${halfHour} AS half_hour, min(${ms}) AS first_ts, ${dialect.count} AS requests, ${dialect.sumOrZero('cost_nanos')} AS cost_nanos, ${overContext} AS over_context, ${sums.join(', ')} FROM ${dialect.table}${where} GROUP BY ALL`,
    ),
  )
  return rows.map((row) => {
    const usage = Object.fromEntries(
      SUMMED_USAGE.map((column) => [column, Number(row[`sum_${column}`] ?? 0)]),
    ) as SummedUsage
    return {
      feature: String(row.feature),
      provider: String(row.provider),
      model: String(row.model),
      service_tier:
        row.service_tier === null || row.service_tier === undefined ? null : String(row.service_tier),
      batch: Boolean(row.batch),
      known_cost: Number(row.known_cost) === 1,
      units: Number(row.units),
      band: Number(row.band),
      period: Number(row.period),
      half_hour: Number(row.half_hour),
      first_ts: Number(row.first_ts),
      requests: Number(row.requests),
      cost_nanos: Number(row.cost_nanos),
      over_context: Number(row.over_context),
      ...usage,
    }
  })
}
