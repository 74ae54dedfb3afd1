import { z } from 'zod'
import { CHANNEL_ID_SCHEMA } from '../alerts/channel-config.js'
import { localParts, startOfLocalDay } from '../budgets/budget-period.js'
import { timeZoneSchema } from '../query/analytics-query.js'
import { ALERT_DELIVERIES_TABLE } from '../schema/alert-deliveries-table.js'
import type { Store } from '../store/store.js'
import { DEFAULT_REPORT_BY, DEFAULT_REPORT_TOP, parseReportBy } from './report-request.js'

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const
const HOUR_MS = 3_600_000

/**
 * The weekly digest of an alerts configuration (`"digest": {}` turns it on): last week's spend
 * report, sent once a week at `day` `hour`:00 in `timeZone` to `channels` (default: every channel).
 */
export const DIGEST_SCHEMA = z
  .object({
    day: z.enum(WEEKDAYS).default('monday'),
    hour: z.int().min(0).max(23).default(9),
    timeZone: timeZoneSchema,
    channels: z.array(CHANNEL_ID_SCHEMA).min(1).optional(),
    by: z
      .array(z.string())
      .min(1)
      .default(DEFAULT_REPORT_BY)
      .transform((names, context) => {
        try {
          return parseReportBy(names.join(','))
        } catch (error) {
          context.issues.push({ code: 'custom', message: (error as Error).message, input: names })
          return z.NEVER
        }
      }),
    top: z.int().min(1).max(100).default(DEFAULT_REPORT_TOP),
  })
  .strict()

export type DigestSchedule = z.output<typeof DIGEST_SCHEMA>

/**
 * The latest moment at or before `now` the schedule names: `day` at `hour`:00 on the zone's wall
 * clock (where a DST change skips that hour, the first moment after it). Only the latest counts:
 * a server down for weeks catches up with one digest, not one per week missed.
 */
export function digestSlot(schedule: Pick<DigestSchedule, 'day' | 'hour' | 'timeZone'>, now: number): number {
  const local = localParts(now, schedule.timeZone)
  const back = (local.weekday - 1 - WEEKDAYS.indexOf(schedule.day) + 7) % 7
  const at = (weeksBack: number) => {
    const day = startOfLocalDay(local.year, local.month, local.day - back - 7 * weeksBack, schedule.timeZone)
    let instant = day + schedule.hour * HOUR_MS
    // A DST change earlier that day moved the wall clock by an hour: step until it reads `hour`.
    for (let step = 0; step < 2 && localParts(instant, schedule.timeZone).hour > schedule.hour; step++)
      instant -= HOUR_MS
    for (let step = 0; step < 2 && localParts(instant, schedule.timeZone).hour < schedule.hour; step++)
      instant += HOUR_MS
    return instant
  }
  const slot = at(0)
  return slot <= now ? slot : at(1)
}

/** The id a digest is delivered and remembered by: `digest:<the reported week's start, ISO>`. */
export function digestId(weekStart: number): string {
  return `digest:${new Date(weekStart).toISOString()}`
}

/**
 * Which channels each project's digests reached, read back from the delivery log (a delivered
 * `report.weekly` record names the digest's id), so a restart never sends a week's digest twice to
 * a channel that had it, and one that failed is tried again.
 */
export class DigestMemory {
  private readonly delivered = new Set<string>()
  private recalled: Promise<void> | undefined

  constructor(private readonly store?: Store) {}

  /** Reads the delivery log once. A failed read fails the run (and is tried again): better late than twice. */
  recall(): Promise<void> {
    this.recalled ??= (async () => {
      if (!this.store) return
      for (const delivery of await this.store.readRecords(ALERT_DELIVERIES_TABLE))
        if (delivery.status === 'delivered' && delivery.type === 'report.weekly')
          for (const id of delivery.anomalyIds) this.remember(delivery.project, delivery.channel, id)
    })().catch((error: unknown) => {
      this.recalled = undefined
      throw error
    })
    return this.recalled
  }

  remember(project: string, channel: string, id: string): void {
    this.delivered.add(JSON.stringify([project, channel, id]))
  }

  /** The channels of `channels` that have not had digest `id` of `project`. */
  missing(project: string, id: string, channels: readonly string[]): string[] {
    return channels.filter((channel) => !this.delivered.has(JSON.stringify([project, channel, id])))
  }
}
