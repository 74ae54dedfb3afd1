import { type CostEvent, USAGE_FIELDS, type Usage } from 'spendlens'
import { priceUsage } from 'spendlens/internal'

const DAY_MS = 86_400_000

/**
 * The model migration the demo shows (docs/decisions.md "Model migrations"): the code-review agent
 * ran on o3 until 12 days ago, then moved to o4-mini, a cheaper and faster reasoning model. Its
 * earlier calls keep their tokens and are priced again at o3 by the SDK's pricer, their latency
 * that of a slower model. A demo too short for a week on each side has no migration.
 */
export const DEMO_MIGRATION = {
  feature: 'code-review',
  from: { requested: 'o3', reported: 'o3-2025-04-16' },
  to: 'o4-mini',
  /** Days on the new model, today included. */
  daysAfter: 12,
  /** Days the old model needs before the switch for the migration to be planted. */
  daysBefore: 7,
  /** o3 takes this much longer than o4-mini for the same tokens. */
  latencyFactor: 1.7,
} as const

/** The first instant of the new model, for events that end at `last` (epoch ms). */
export function demoMigrationDay(last: number): number {
  return (Math.floor(last / DAY_MS) - (DEMO_MIGRATION.daysAfter - 1)) * DAY_MS
}

/** `events` with the demo's feature on its old model before the switch (the others as they are). */
export function plantModelMigration(events: CostEvent[]): CostEvent[] {
  if (events.length === 0) return events
  let first = Number.POSITIVE_INFINITY
  let last = Number.NEGATIVE_INFINITY
  for (const event of events) {
    const ts = Date.parse(event.ts)
    first = Math.min(first, ts)
    last = Math.max(last, ts)
  }
  const switchAt = demoMigrationDay(last)
  if (first > switchAt - DEMO_MIGRATION.daysBefore * DAY_MS) return events
  return events.map((event) => {
    if (event.feature !== DEMO_MIGRATION.feature || Date.parse(event.ts) >= switchAt) return event
    const usage = Object.fromEntries(USAGE_FIELDS.map((field) => [field, event[field]])) as Usage
    // A failed call reports no model: it has the one asked for.
    const model =
      event.model === DEMO_MIGRATION.to ? DEMO_MIGRATION.from.requested : DEMO_MIGRATION.from.reported
    const price = priceUsage({
      provider: event.provider,
      model,
      usage,
      ts: new Date(event.ts),
      service_tier: event.service_tier,
      batch: event.batch,
      status: event.status,
      http_status: event.http_status,
    })
    const slower = (ms: number | null) => (ms === null ? null : Math.round(ms * DEMO_MIGRATION.latencyFactor))
    return {
      ...event,
      model,
      requested_model: DEMO_MIGRATION.from.requested,
      latency_ms: slower(event.latency_ms),
      ttft_ms: slower(event.ttft_ms),
      ...price,
    }
  })
}
