import { type CostEvent, UNATTRIBUTED } from 'spendlens'
import { NANOS_PER_USD } from 'spendlens/internal'
import { hashEventId } from './event-id-index.js'
import { latencyBucket } from './latency-sketch.js'

/**
 * Events as columns: the shape the DuckDB store stages them in (duckdb-staging.ts), computed in
 * plain JavaScript with no engine attached, so an ingest worker thread can build it from a request
 * body and hand the typed arrays over without copying (ingest/ingest-workers.ts).
 *
 * - every number is a DOUBLE (no BigInt per value; counts are safe integers, cost_nanos is below
 *   2^53) with NaN for null, and `ts` is epoch milliseconds;
 * - strings that repeat (everything but event_id and provider_request_id) are codes into a list of
 *   the batch's distinct values (`enum`, code 0 for null), which the staging table stores as an
 *   ENUM: writing a string costs a call into DuckDB per row, a code is copied with its column.
 * The mapping is the one toStoreRow (spendlens/internal) defines: `unattributed` for a missing
 * attribution value, cost in integer nano-dollars, tags as JSON.
 */

type Value = string | number | boolean | null

export interface StagingColumn {
  name: string
  /** The column's type in the events table. */
  eventsType: 'VARCHAR' | 'DOUBLE' | 'BIGINT' | 'INTEGER' | 'BOOLEAN' | 'TIMESTAMPTZ'
  /** Strings only: a new value on (almost) every row, written as is rather than as an ENUM. */
  unique?: boolean
  read(event: CostEvent): Value
}

// Each column reads its field with its own literal accessor: one shared `(event) => event[name]`
// would see forty-two keys at one property access and make it a slow, megamorphic lookup.
type Read<T> = (event: CostEvent) => T
const text = (name: string, read: Read<string | null>, unique = false): StagingColumn => ({
  name,
  eventsType: 'VARCHAR',
  unique,
  read,
})
const number = (
  name: string,
  eventsType: 'DOUBLE' | 'BIGINT' | 'INTEGER',
  read: Read<number | null>,
): StagingColumn => ({
  name,
  eventsType,
  read,
})
const flag = (name: string, read: Read<boolean>): StagingColumn => ({ name, eventsType: 'BOOLEAN', read })

function tagsJson(tags: Record<string, string>): string {
  for (const _key in tags) return JSON.stringify(tags)
  return '{}'
}

/** The events table's columns, in its order (id_hash, last, is added by the writer). */
export const STAGING_COLUMNS: StagingColumn[] = [
  text('event_id', (event) => event.event_id, true),
  { name: 'ts', eventsType: 'TIMESTAMPTZ', read: (event) => Date.parse(event.ts) },
  number('latency_ms', 'DOUBLE', (event) => event.latency_ms),
  number('ttft_ms', 'DOUBLE', (event) => event.ttft_ms),
  text('provider', (event) => event.provider),
  text('operation', (event) => event.operation),
  text('model', (event) => event.model),
  text('requested_model', (event) => event.requested_model),
  text('provider_request_id', (event) => event.provider_request_id, true),
  text('feature', (event) => event.feature ?? UNATTRIBUTED),
  text('route', (event) => event.route ?? UNATTRIBUTED),
  text('customer_id', (event) => event.customer_id ?? UNATTRIBUTED),
  text('user_id', (event) => event.user_id ?? UNATTRIBUTED),
  text('session_id', (event) => event.session_id ?? UNATTRIBUTED),
  text('environment', (event) => event.environment ?? UNATTRIBUTED),
  text('prompt_id', (event) => event.prompt_id ?? UNATTRIBUTED),
  text('tags', (event) => tagsJson(event.tags)),
  number('input_tokens', 'BIGINT', (event) => event.input_tokens),
  number('cache_read_tokens', 'BIGINT', (event) => event.cache_read_tokens),
  number('cache_write_tokens', 'BIGINT', (event) => event.cache_write_tokens),
  number('cache_write_1h_tokens', 'BIGINT', (event) => event.cache_write_1h_tokens),
  number('output_tokens', 'BIGINT', (event) => event.output_tokens),
  number('reasoning_tokens', 'BIGINT', (event) => event.reasoning_tokens),
  number('input_audio_tokens', 'BIGINT', (event) => event.input_audio_tokens),
  number('output_audio_tokens', 'BIGINT', (event) => event.output_audio_tokens),
  number('images', 'BIGINT', (event) => event.images),
  number('audio_seconds', 'DOUBLE', (event) => event.audio_seconds),
  number('web_search_requests', 'BIGINT', (event) => event.web_search_requests),
  text('service_tier', (event) => event.service_tier),
  flag('batch', (event) => event.batch),
  number('cost_nanos', 'BIGINT', (event) =>
    event.cost_usd === null ? null : Math.round(event.cost_usd * NANOS_PER_USD),
  ),
  text('pricing_status', (event) => event.pricing_status),
  text('price_source', (event) => event.price_source),
  text('status', (event) => event.status),
  text('error_type', (event) => event.error_type),
  number('http_status', 'INTEGER', (event) => event.http_status),
  flag('streamed', (event) => event.streamed),
  text('sdk', (event) => event.sdk),
  number('schema_version', 'INTEGER', (event) => event.schema_version),
  flag('cost_partial', (event) => event.cost_partial),
  number('input_image_tokens', 'BIGINT', (event) => event.input_image_tokens),
  number('input_characters', 'BIGINT', (event) => event.input_characters),
  // Not a CostEvent field: the latency's histogram bucket (latency-sketch.ts), stored so that every
  // path that counts latencies by bucket reads the same bucket.
  number('latency_bucket', 'INTEGER', (event) => latencyBucket(event.latency_ms)),
]

export type EncodedColumn =
  /** Codes into `members`; code 0 is null (members[0] is a placeholder). */
  | { kind: 'enum'; codes: Uint32Array; members: string[] }
  | { kind: 'text'; values: (string | null)[] }
  /** NaN for null. */
  | { kind: 'double'; values: Float64Array }
  | { kind: 'boolean'; values: Uint8Array }

/** A batch of events as columns, with what the store's dedupe needs alongside. */
export interface EncodedEvents {
  rows: number
  eventIds: string[]
  /** `ts` as epoch milliseconds. */
  times: Float64Array
  /** hashEventId of each event_id. */
  hashes: Float64Array
  /** One per STAGING_COLUMNS entry, in its order. */
  columns: EncodedColumn[]
}

/** A NUL, or a lone surrogate (in `u` mode a proper pair is one code point and does not match). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const UNSAFE_MEMBER = /\u0000|\p{Surrogate}/u

/** A repeating string column as codes and distinct values, or undefined when it must go as text. */
function encodeRepeating(column: StagingColumn, events: readonly CostEvent[]): EncodedColumn | undefined {
  const codes = new Uint32Array(events.length)
  const members = ['']
  const known = new Map<string, number>()
  const { read } = column
  for (let row = 0; row < events.length; row++) {
    const value = read(events[row] as CostEvent) as string | null
    if (value === null) continue
    let code = known.get(value)
    if (code === undefined) {
      // An ENUM member travels as a C string: a NUL would cut it short and a lone surrogate becomes
      // U+FFFD, and two members could then collide. Such a column goes as plain strings this time.
      if (UNSAFE_MEMBER.test(value)) return undefined
      code = members.length
      known.set(value, code)
      members.push(value)
    }
    codes[row] = code
  }
  return { kind: 'enum', codes, members }
}

function encodeColumn(
  column: StagingColumn,
  events: readonly CostEvent[],
  batch: EncodedEvents,
): EncodedColumn {
  const rows = events.length
  const { read } = column
  if (column.eventsType === 'VARCHAR') {
    if (column.name === 'event_id') return { kind: 'text', values: batch.eventIds }
    if (!column.unique) {
      const encoded = encodeRepeating(column, events)
      if (encoded) return encoded
    }
    const values = new Array<string | null>(rows)
    for (let row = 0; row < rows; row++) values[row] = read(events[row] as CostEvent) as string | null
    return { kind: 'text', values }
  }
  if (column.eventsType === 'BOOLEAN') {
    const values = new Uint8Array(rows)
    for (let row = 0; row < rows; row++) values[row] = read(events[row] as CostEvent) ? 1 : 0
    return { kind: 'boolean', values }
  }
  if (column.name === 'ts') return { kind: 'double', values: batch.times }
  const values = new Float64Array(rows)
  for (let row = 0; row < rows; row++) {
    const value = read(events[row] as CostEvent) as number | null
    values[row] = value === null ? Number.NaN : value
  }
  return { kind: 'double', values }
}

/** The events as columns. */
export function encodeEvents(events: readonly CostEvent[]): EncodedEvents {
  const rows = events.length
  const batch: EncodedEvents = {
    rows,
    eventIds: new Array<string>(rows),
    times: new Float64Array(rows),
    hashes: new Float64Array(rows),
    columns: [],
  }
  for (let row = 0; row < rows; row++) {
    const event = events[row] as CostEvent
    batch.eventIds[row] = event.event_id
    batch.times[row] = Date.parse(event.ts)
    batch.hashes[row] = hashEventId(event.event_id)
  }
  batch.columns = STAGING_COLUMNS.map((column) => encodeColumn(column, events, batch))
  return batch
}

/** A column's value at `row` as a string (text and enum columns). */
function textAt(column: EncodedColumn, row: number): string | null {
  if (column.kind === 'text') return column.values[row] as string | null
  if (column.kind === 'enum') {
    const code = column.codes[row] as number
    return code === 0 ? null : (column.members[code] as string)
  }
  throw new Error(`a ${column.kind} column holds no text`)
}

/** Several batches as one, in order (the ingest buffer's flush of concurrent requests). */
export function concatEncoded(parts: readonly EncodedEvents[]): EncodedEvents {
  if (parts.length === 1) return parts[0] as EncodedEvents
  const rows = parts.reduce((sum, part) => sum + part.rows, 0)
  const doubles = (pick: (part: EncodedEvents) => Float64Array) => {
    const values = new Float64Array(rows)
    let offset = 0
    for (const part of parts) {
      values.set(pick(part), offset)
      offset += part.rows
    }
    return values
  }
  const times = doubles((part) => part.times)
  const eventIds = parts.flatMap((part) => part.eventIds)
  const columns = STAGING_COLUMNS.map((column, index): EncodedColumn => {
    if (column.name === 'event_id') return { kind: 'text', values: eventIds }
    const pieces = parts.map((part) => part.columns[index] as EncodedColumn)
    const first = pieces[0] as EncodedColumn
    if (first.kind === 'double')
      return {
        kind: 'double',
        values:
          column.name === 'ts'
            ? times
            : doubles((part) => (part.columns[index] as { values: Float64Array }).values),
      }
    if (first.kind === 'boolean') {
      const values = new Uint8Array(rows)
      let offset = 0
      for (const piece of pieces) {
        values.set((piece as { values: Uint8Array }).values, offset)
        offset += (piece as { values: Uint8Array }).values.length
      }
      return { kind: 'boolean', values }
    }
    if (pieces.every((piece) => piece.kind === 'enum')) {
      // One list of members; each part's codes mapped onto it.
      const members = ['']
      const known = new Map<string, number>()
      const codes = new Uint32Array(rows)
      let offset = 0
      for (const piece of pieces as { codes: Uint32Array; members: string[] }[]) {
        const remap = new Uint32Array(piece.members.length)
        for (let code = 1; code < piece.members.length; code++) {
          const member = piece.members[code] as string
          let merged = known.get(member)
          if (merged === undefined) {
            merged = members.length
            known.set(member, merged)
            members.push(member)
          }
          remap[code] = merged
        }
        for (let row = 0; row < piece.codes.length; row++)
          codes[offset + row] = remap[piece.codes[row] as number] as number
        offset += piece.codes.length
      }
      return { kind: 'enum', codes, members }
    }
    const values: (string | null)[] = []
    for (const [position, piece] of pieces.entries())
      for (let row = 0; row < (parts[position] as EncodedEvents).rows; row++) values.push(textAt(piece, row))
    return { kind: 'text', values }
  })
  return { rows, eventIds, times, hashes: doubles((part) => part.hashes), columns }
}

/** The rows at `indexes`, in that order. */
export function selectEncoded(batch: EncodedEvents, indexes: readonly number[]): EncodedEvents {
  if (indexes.length === batch.rows && indexes.every((index, position) => index === position)) return batch
  const gather = <T extends Float64Array | Uint8Array | Uint32Array>(source: T, target: T): T => {
    for (let row = 0; row < indexes.length; row++) target[row] = source[indexes[row] as number] as number
    return target
  }
  const rows = indexes.length
  const eventIds = indexes.map((index) => batch.eventIds[index] as string)
  const times = gather(batch.times, new Float64Array(rows))
  const columns = batch.columns.map((column, position): EncodedColumn => {
    const { name } = STAGING_COLUMNS[position] as StagingColumn
    if (name === 'event_id') return { kind: 'text', values: eventIds }
    if (name === 'ts') return { kind: 'double', values: times }
    switch (column.kind) {
      case 'double':
        return { kind: 'double', values: gather(column.values, new Float64Array(rows)) }
      case 'boolean':
        return { kind: 'boolean', values: gather(column.values, new Uint8Array(rows)) }
      case 'enum':
        return { kind: 'enum', codes: gather(column.codes, new Uint32Array(rows)), members: column.members }
      default:
        return { kind: 'text', values: indexes.map((index) => column.values[index] as string | null) }
    }
  })
  return { rows, eventIds, times, hashes: gather(batch.hashes, new Float64Array(rows)), columns }
}

/** The buffers a batch's typed arrays own, each once: a worker hands them over instead of copying. */
export function encodedBuffers(batch: EncodedEvents): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>([
    batch.times.buffer as ArrayBuffer,
    batch.hashes.buffer as ArrayBuffer,
  ])
  for (const column of batch.columns)
    if (column.kind !== 'text')
      buffers.add((column.kind === 'enum' ? column.codes : column.values).buffer as ArrayBuffer)
  return [...buffers]
}
