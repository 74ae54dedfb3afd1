import { UNATTRIBUTED } from 'spendlens'
import { NANOS_PER_USD } from 'spendlens/internal'
import { z } from 'zod'
import type { OutcomeInput, OutcomeResult, OutcomesAnswer } from '../api/api-types.js'
import { cleanText, isSafeText, MAX_EVENT_ID_LENGTH, timestampSchema } from '../ingest/cost-event-schema.js'
import { batchItems, inflate, type RawBody } from '../ingest/decode-body.js'
import { type EventWindow, outsideWindow } from '../ingest/event-window.js'
import type { StoredOutcome } from '../schema/outcomes-table.js'
import type { Store } from '../store/store.js'

/** The largest value one outcome may carry, in dollars: past it the figure is a unit mistake (cents?). */
export const MAX_OUTCOME_VALUE_USD = 1_000_000_000

const UNSAFE = 'holds a NUL or a lone surrogate (invalid UTF-16); identifiers are refused, not cleaned'
const identifier = (max: number) => z.string().min(1).max(max).refine(isSafeText, UNSAFE)
/** Attribution is cleaned as an event's is, so that an outcome's customer meets its events'. */
const label = z.string().max(500).transform(cleanText).nullable().optional()

/**
 * An outcome as POST /v1/outcomes takes it. Strict: a misspelt field (`customer` for `customer_id`)
 * would otherwise leave an outcome unattributed without a word.
 */
const outcomeSchema = z.strictObject({
  id: identifier(MAX_EVENT_ID_LENGTH),
  outcome: identifier(100),
  ts: timestampSchema,
  customer_id: label,
  feature: label,
  value_usd: z
    .number()
    .finite()
    .min(-MAX_OUTCOME_VALUE_USD)
    .max(MAX_OUTCOME_VALUE_USD, {
      error: `at most $${MAX_OUTCOME_VALUE_USD.toLocaleString('en-US')} an outcome`,
    })
    .nullable()
    .optional(),
}) satisfies z.ZodType<unknown, OutcomeInput>

type ParsedOutcome =
  | { success: true; outcome: Omit<StoredOutcome, 'project'> }
  | { success: false; errors: string[] }

/** One outcome checked, `ts` within `window` (the events' window: 30 days back, a day ahead by default). */
export function parseOutcome(value: unknown, window: EventWindow, receivedMs: number): ParsedOutcome {
  const parsed = outcomeSchema.safeParse(value)
  if (!parsed.success)
    return {
      success: false,
      errors: parsed.error.issues.map((issue) =>
        issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
      ),
    }
  const { data } = parsed
  const late = outsideWindow(data.ts, window)
  if (late) return { success: false, errors: [late] }
  return {
    success: true,
    outcome: {
      id: data.id,
      ts_ms: Date.parse(data.ts),
      outcome: data.outcome,
      customer_id: data.customer_id || UNATTRIBUTED,
      feature: data.feature || UNATTRIBUTED,
      value_nanos:
        data.value_usd === null || data.value_usd === undefined
          ? null
          : Math.round(data.value_usd * NANOS_PER_USD),
      received_ms: receivedMs,
    },
  }
}

/**
 * What POST /v1/outcomes does with a body (JSON array, one object or NDJSON, maybe gzipped, as
 * /v1/events takes): each outcome checked on its own, every valid one stored even when its
 * neighbours are not, one result per item in order.
 */
export async function ingestOutcomes(
  store: Pick<Store, 'appendOutcomes'>,
  body: RawBody,
  project: string,
  window: EventWindow,
): Promise<OutcomesAnswer> {
  const items = batchItems(await inflate(body), body.ndjson, 'outcome')
  const results: OutcomeResult[] = new Array(items.length)
  const valid: StoredOutcome[] = []
  const validIndexes: number[] = []
  items.forEach((item, index) => {
    if ('error' in item) {
      results[index] = { index, id: null, status: 'rejected', errors: [item.error] }
      return
    }
    const parsed = parseOutcome(item.value, window, window.now)
    if (!parsed.success) {
      const id = (item.value as { id?: unknown } | null)?.id
      results[index] = {
        index,
        id: typeof id === 'string' ? id.slice(0, MAX_EVENT_ID_LENGTH) : null,
        status: 'rejected',
        errors: parsed.errors,
      }
      return
    }
    valid.push({ ...parsed.outcome, project })
    validIndexes.push(index)
  })
  const statuses = valid.length > 0 ? await store.appendOutcomes(valid, project) : []
  let duplicates = 0
  statuses.forEach((status, position) => {
    const index = validIndexes[position] as number
    const duplicate = status === 'duplicate'
    if (duplicate) duplicates++
    results[index] = {
      index,
      id: (valid[position] as StoredOutcome).id,
      status: duplicate ? 'duplicate' : 'accepted',
    }
  })
  return {
    accepted: valid.length - duplicates,
    duplicates,
    rejected: items.length - valid.length,
    results,
  }
}
