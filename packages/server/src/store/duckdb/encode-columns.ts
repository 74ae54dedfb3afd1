import type { CostEvent } from 'spendlens'
import { hashEventId } from '../../schema/event-id-hash.js'
import { type EventColumn, eventColumns } from '../../schema/events-table.js'
import { DEFAULT_PROJECT, eventIdentity, storedProject } from '../../schema/projects.js'

/**
 * Events as columns: the shape the DuckDB store stages them in (staging.ts), computed in plain
 * JavaScript with no engine attached, so an ingest worker thread can build it from a request body
 * and hand the typed arrays over without copying (ingest/ingest-workers.ts).
 *
 * - the columns are the events table's in DuckDB (schema/events-table.ts), read as it says;
 * - every number is a DOUBLE (no BigInt per value; counts are safe integers, cost_nanos and id_hash
 *   are below 2^53) with NaN for null, and `ts` is epoch milliseconds;
 * - strings that repeat (every text column but the `unique` ones) are codes into a list of the
 *   batch's distinct values (`enum`, code 0 for null), which the staging table stores as an ENUM:
 *   writing a string costs a call into DuckDB per row, a code is copied with its column;
 * - tags are their JSON text.
 */

/** A staging column: an events column and its value as staged (tags as JSON text). */
export interface StagingColumn {
  name: string
  column: EventColumn
  read(event: CostEvent): string | number | boolean | null
}

function tagsJson(tags: Record<string, string>): string {
  for (const _key in tags) return JSON.stringify(tags)
  return '{}'
}

/** The DuckDB events table's columns, in the catalog's order. */
export const STAGING_COLUMNS: readonly StagingColumn[] = eventColumns('duckdb').map((column) => ({
  name: column.name,
  column,
  read:
    column.type === 'tags'
      ? (event: CostEvent) => tagsJson(column.read(event) as Record<string, string>)
      : (column.read as StagingColumn['read']),
}))

/** Whether a staging column holds text (strings and tags' JSON). */
export const isText = (column: StagingColumn) =>
  column.column.type === 'text' || column.column.type === 'tags'

export type EncodedColumn =
  /** Codes into `members`; code 0 is null (members[0] is a placeholder). */
  | { kind: 'enum'; codes: Uint32Array; members: string[] }
  | { kind: 'text'; values: (string | null)[] }
  /** NaN for null. */
  | { kind: 'double'; values: Float64Array }
  | { kind: 'boolean'; values: Uint8Array }

/** A batch of events as columns, with what the store's dedupe needs alongside. */
export interface EncodedEvents {
  format: 'columns'
  rows: number
  eventIds: string[]
  /** `ts` as epoch milliseconds. */
  times: Float64Array
  /** hashEventId of each event's identity (its event_id within its project: schema/projects.ts). */
  hashes: Float64Array
  /** Each event's identity, when one is not in the default project (else the event_ids are). */
  identities?: string[]
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
  if (isText(column)) {
    if (column.name === 'event_id') return { kind: 'text', values: batch.eventIds }
    if (column.column.cardinality !== 'unique') {
      const encoded = encodeRepeating(column, events)
      if (encoded) return encoded
    }
    const values = new Array<string | null>(rows)
    for (let row = 0; row < rows; row++) values[row] = read(events[row] as CostEvent) as string | null
    return { kind: 'text', values }
  }
  if (column.column.type === 'boolean') {
    const values = new Uint8Array(rows)
    for (let row = 0; row < rows; row++) values[row] = read(events[row] as CostEvent) ? 1 : 0
    return { kind: 'boolean', values }
  }
  if (column.name === 'ts') return { kind: 'double', values: batch.times }
  if (column.name === 'id_hash') return { kind: 'double', values: batch.hashes }
  const values = new Float64Array(rows)
  for (let row = 0; row < rows; row++) {
    const value = read(events[row] as CostEvent) as number | null
    values[row] = value === null ? Number.NaN : value
  }
  return { kind: 'double', values }
}

/** The events as columns. */
export function encodeEvents(events: readonly CostEvent[], project = DEFAULT_PROJECT): EncodedEvents {
  const rows = events.length
  const batch: EncodedEvents = {
    format: 'columns',
    rows,
    eventIds: new Array<string>(rows),
    times: new Float64Array(rows),
    hashes: new Float64Array(rows),
    columns: [],
  }
  const identities = project === DEFAULT_PROJECT ? undefined : new Array<string>(rows)
  for (let row = 0; row < rows; row++) {
    const event = events[row] as CostEvent
    batch.eventIds[row] = event.event_id
    batch.times[row] = Date.parse(event.ts)
    // The identity of an event is its id within its project (schema/projects.ts).
    const identity = identities ? eventIdentity(project, event.event_id) : event.event_id
    if (identities) identities[row] = identity
    batch.hashes[row] = hashEventId(identity)
  }
  if (identities) batch.identities = identities
  const stored = storedProject(project)
  batch.columns = STAGING_COLUMNS.map((column) =>
    encodeColumn(column.name === 'project' ? { ...column, read: () => stored } : column, events, batch),
  )
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
  const hashes = doubles((part) => part.hashes)
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
            : column.name === 'id_hash'
              ? hashes
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
  const identities = parts.some((part) => part.identities)
    ? parts.flatMap((part) => part.identities ?? part.eventIds)
    : undefined
  return { format: 'columns', rows, eventIds, times, hashes, columns, ...(identities ? { identities } : {}) }
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
  const { identities } = batch
  const times = gather(batch.times, new Float64Array(rows))
  const hashes = gather(batch.hashes, new Float64Array(rows))
  const columns = batch.columns.map((column, position): EncodedColumn => {
    const { name } = STAGING_COLUMNS[position] as StagingColumn
    if (name === 'event_id') return { kind: 'text', values: eventIds }
    if (name === 'ts') return { kind: 'double', values: times }
    if (name === 'id_hash') return { kind: 'double', values: hashes }
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
  return {
    format: 'columns',
    rows,
    eventIds,
    times,
    hashes,
    columns,
    ...(identities ? { identities: indexes.map((index) => identities[index] as string) } : {}),
  }
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
