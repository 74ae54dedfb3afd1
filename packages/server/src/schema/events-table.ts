import { UNATTRIBUTED } from 'spendlens'
import { modelFamily, NANOS_PER_USD, type StoreRow } from 'spendlens/internal'
import type { LoggedEvent } from '../api/api-types.js'
import { bucketSql, latencyBucket } from '../query/latency-sketch.js'
import { hashEventId } from './event-id-hash.js'
import { DEFAULT_PROJECT, storedProject } from './projects.js'
import {
  type Column,
  type ColumnType,
  type ColumnValue,
  columnsAt,
  type EngineName,
  type Table,
} from './table.js'

/**
 * The column catalog of the events table: every column once, in the store's order, with how it is
 * read from a CostEvent. The mapping is toStoreRow's (spendlens/internal): a missing attribution
 * value is the explicit `unattributed`, cost is integer nano-dollars, `ts` epoch milliseconds.
 *
 * Derived from it: both engines' CREATE TABLE and ADD COLUMN migrations (store/duckdb/migrations.ts,
 * store/clickhouse/migrations.ts), DuckDB's staging table and the ingest encoder
 * (store/duckdb/encode-columns.ts), ClickHouse's insert rows, the event log and export columns
 * (query/event-log.ts), the Parquet schema, and the columns the rollups read (query/rollup-tables.ts).
 *
 * Adding a column: one line here (with `added`: the next schema version of each engine) and one
 * `addColumns(version)` migration per engine. test/events-table.test.ts checks that every consumer
 * and both migrated databases have exactly these columns.
 */
export interface EventColumn extends Column<LoggedEvent> {
  /**
   * Its part in the hourly rollups: `key`, a dimension they are kept by; `measure`, a column their
   * sums read. Both are what a replaced version must be read back with to take its contribution back.
   */
  rollup?: 'key' | 'measure'
  /** A CostEvent field (the event log, exports and imports carry it), or kept for the store only. */
  field: boolean
  /**
   * Part of the price first recorded (RecordedPrice, docs/reprice.md): not a CostEvent field, but
   * carried beside the fields by the event log, exports and imports.
   */
  recorded?: true
}

type Read<T> = (event: LoggedEvent) => T
type Options = Partial<Pick<EventColumn, 'rollup' | 'added' | 'defaults' | 'engines'>>

// Each column reads its field with its own literal accessor: one shared `(event) => event[name]`
// would see forty-odd keys at one property access and make it a slow, megamorphic lookup.
const column = (
  name: string,
  type: ColumnType,
  nullable: boolean,
  read: Read<ColumnValue>,
  options: Options & Pick<EventColumn, 'cardinality'> = {},
): EventColumn => ({ name, type, nullable, read, field: true, ...options })
const text = (
  name: string,
  cardinality: 'unique' | 'high' | 'low',
  nullable: boolean,
  read: Read<string | null>,
  options: Options = {},
) => column(name, 'text', nullable, read, { cardinality, ...options })
const count = (name: string, read: Read<number | null>, options: Options = {}) =>
  column(name, 'int64', true, read, options)
const storeOnly = (column: EventColumn): EventColumn => ({ ...column, field: false })
const recorded = (column: EventColumn): EventColumn => ({ ...column, field: false, recorded: true })
const nanos = (usd: number | null) => (usd === null ? null : Math.round(usd * NANOS_PER_USD))

/** The schema versions that added the other billed units' columns. */
const UNITS_ADDED = { duckdb: 16, clickhouse: 14 }

export const EVENTS_TABLE: Table<EventColumn> = {
  name: 'events',
  columns: [
    text('event_id', 'unique', false, (event) => event.event_id),
    column('ts', 'timestamp', false, (event) => Date.parse(event.ts)),
    column('latency_ms', 'double', true, (event) => event.latency_ms, { rollup: 'measure' }),
    column('ttft_ms', 'double', true, (event) => event.ttft_ms),
    text('provider', 'low', false, (event) => event.provider, { rollup: 'key' }),
    text('operation', 'low', false, (event) => event.operation, { rollup: 'key' }),
    text('model', 'low', false, (event) => event.model, { rollup: 'key' }),
    text('requested_model', 'low', true, (event) => event.requested_model),
    // The model's catalog family (modelFamily, docs/event-schema.md): what the Models view groups by
    // by default, so that an alias, its snapshots and the failed calls that asked for it (whose
    // `model` is the one asked for) are one row. Derived at ingest with the catalog of the day, as
    // the price is; a rollup key. '' until derived: the migrations' ADD COLUMN gives older rows ''
    // and the store fills them at open (store/model-families.ts).
    storeOnly(
      text('model_family', 'low', false, (event) => modelFamily(event.provider, event.model), {
        rollup: 'key',
        added: { duckdb: 15, clickhouse: 13 },
        defaults: { duckdb: "''" },
      }),
    ),
    text('provider_request_id', 'unique', true, (event) => event.provider_request_id),
    // The provider's own project (OpenAI project, Anthropic workspace), what its invoice groups by:
    // a rollup key, so reconciliation per project reads the rollups. NULL when the sender did not
    // know it, not `unattributed`: no product attribution is missing, and it round-trips as sent.
    text('provider_project', 'low', true, (event) => event.provider_project, {
      rollup: 'key',
      added: { duckdb: 8, clickhouse: 6 },
    }),
    text('feature', 'low', false, (event) => event.feature ?? UNATTRIBUTED, { rollup: 'key' }),
    text('route', 'low', false, (event) => event.route ?? UNATTRIBUTED, { rollup: 'key' }),
    text('customer_id', 'low', false, (event) => event.customer_id ?? UNATTRIBUTED, { rollup: 'key' }),
    // User and session ids run to millions of values: a dictionary would not pay.
    text('user_id', 'high', false, (event) => event.user_id ?? UNATTRIBUTED),
    text('session_id', 'high', false, (event) => event.session_id ?? UNATTRIBUTED),
    text('environment', 'low', false, (event) => event.environment ?? UNATTRIBUTED, { rollup: 'key' }),
    text('prompt_id', 'low', false, (event) => event.prompt_id ?? UNATTRIBUTED, { rollup: 'key' }),
    column('tags', 'tags', false, (event) => event.tags),
    count('input_tokens', (event) => event.input_tokens, { rollup: 'measure' }),
    count('cache_read_tokens', (event) => event.cache_read_tokens, { rollup: 'measure' }),
    count('cache_write_tokens', (event) => event.cache_write_tokens, { rollup: 'measure' }),
    count('cache_write_1h_tokens', (event) => event.cache_write_1h_tokens),
    count('output_tokens', (event) => event.output_tokens, { rollup: 'measure' }),
    count('reasoning_tokens', (event) => event.reasoning_tokens, { rollup: 'measure' }),
    count('input_audio_tokens', (event) => event.input_audio_tokens, { rollup: 'measure' }),
    // Cached audio, billed at a cache rate of its own (Gemini): null for what was there before.
    count('cache_read_audio_tokens', (event) => event.cache_read_audio_tokens, {
      added: { duckdb: 18, clickhouse: 16 },
    }),
    count('output_audio_tokens', (event) => event.output_audio_tokens, { rollup: 'measure' }),
    count('input_image_tokens', (event) => event.input_image_tokens, { added: { duckdb: 3 } }),
    count('input_characters', (event) => event.input_characters, { added: { duckdb: 3 } }),
    count('images', (event) => event.images),
    column('audio_seconds', 'double', true, (event) => event.audio_seconds),
    count('web_search_requests', (event) => event.web_search_requests),
    // Other billed units (issue 17): video input and image output tokens, tool calls billed per call.
    ...(
      [
        ['input_video_tokens', (event) => event.input_video_tokens],
        ['output_image_tokens', (event) => event.output_image_tokens],
        ['file_search_requests', (event) => event.file_search_requests],
        ['web_fetch_requests', (event) => event.web_fetch_requests],
        ['code_interpreter_sessions', (event) => event.code_interpreter_sessions],
      ] satisfies [keyof LoggedEvent, Read<number | null>][]
    ).map(([name, read]) => count(name, read, { added: UNITS_ADDED })),
    text('service_tier', 'low', true, (event) => event.service_tier, { rollup: 'key' }),
    column('batch', 'boolean', false, (event) => event.batch),
    count('cost_nanos', (event) => nanos(event.cost_usd), { rollup: 'measure' }),
    // A stream cut short has a partial cost.
    column('cost_partial', 'boolean', false, (event) => event.cost_partial, {
      added: { duckdb: 2 },
      defaults: { duckdb: 'false', clickhouse: 'false' },
    }),
    text('pricing_status', 'low', false, (event) => event.pricing_status, { rollup: 'measure' }),
    // A measure for its `charged:` marker: the rollup's charged sums read only charged events
    // (query/charged-cost.ts).
    text('price_source', 'low', true, (event) => event.price_source, { rollup: 'measure' }),
    // The catalog's price beside a cost the provider charged (docs/pricing.md): null on every other
    // event, so it costs next to nothing where no provider reports a cost; summed in the rollup.
    count('computed_cost_nanos', (event) => nanos(event.computed_cost_usd), {
      added: { duckdb: 17, clickhouse: 15 },
      rollup: 'measure',
    }),
    // The price first recorded, kept by the first reprice that changes the event (docs/reprice.md):
    // null until then (ingest never sets them), so a store that is never repriced pays nothing more.
    // recorded_pricing_status is the mark: set exactly when the event was repriced.
    recorded(
      count('recorded_cost_nanos', (event) => nanos(event.recorded_cost_usd ?? null), {
        added: { duckdb: 11, clickhouse: 9 },
      }),
    ),
    recorded(
      text('recorded_pricing_status', 'low', true, (event) => event.recorded_pricing_status ?? null, {
        added: { duckdb: 11, clickhouse: 9 },
      }),
    ),
    recorded(
      text('recorded_price_source', 'low', true, (event) => event.recorded_price_source ?? null, {
        added: { duckdb: 11, clickhouse: 9 },
      }),
    ),
    text('status', 'low', false, (event) => event.status, { rollup: 'key' }),
    text('error_type', 'low', true, (event) => event.error_type),
    column('http_status', 'int32', true, (event) => event.http_status),
    column('streamed', 'boolean', false, (event) => event.streamed),
    text('sdk', 'low', false, (event) => event.sdk),
    column('schema_version', 'int32', false, (event) => event.schema_version),
    // The latency's histogram bucket (query/latency-sketch.ts), computed once at ingest so that every
    // path that counts latencies by bucket reads the same bucket; the default fills older rows.
    storeOnly(
      column('latency_bucket', 'int32', true, (event) => latencyBucket(event.latency_ms), {
        rollup: 'measure',
        added: { duckdb: 4, clickhouse: 2 },
        defaults: { clickhouse: `if(latency_ms IS NULL, NULL, ${bucketSql('latency_ms')})` },
      }),
    ),
    // DuckDB's dedupe key (store/duckdb/event-id-index.ts): the events table has no primary key.
    // The hash of the event's identity, its id within its project (schema/projects.ts): `read` gives
    // the default project's; the encoder hashes the identity in its batch's project.
    storeOnly(
      column('id_hash', 'int64', true, (event) => hashEventId(event.event_id), {
        added: { duckdb: 4 },
        engines: ['duckdb'],
      }),
    ),
    // The project the event belongs to (schema/projects.ts), as stored (storedProject). A batch is
    // one project's, set from the credential by ingest and by the store's append: the encoders
    // (store/batch-format.ts) write it; `read` gives the default project's. A rollup key: every
    // figure is read within one project.
    storeOnly(
      text('project', 'low', false, () => storedProject(DEFAULT_PROJECT), {
        rollup: 'key',
        added: { duckdb: 6, clickhouse: 4 },
        // The default project (storedProject); ClickHouse's own default for a String is the same.
        defaults: { duckdb: "''" },
      }),
    ),
  ],
}

/** The catalog's column named `name` (the migrations add columns by name). */
export function eventColumn(name: string): EventColumn {
  const found = EVENTS_TABLE.columns.find((column) => column.name === name)
  if (!found) throw new Error(`no events column ${name}`)
  return found
}

/** The columns that are CostEvent fields (StoreRow's, in the store's order). */
export const EVENT_FIELD_COLUMNS: readonly EventColumn[] = EVENTS_TABLE.columns.filter(
  (column) => column.field,
)

/** Their names: what the event log, exports and imports read and write. */
export const EVENT_FIELDS = EVENT_FIELD_COLUMNS.map((column) => column.name as keyof StoreRow)

/** The columns of the price first recorded (RecordedPrice), in the store's order. */
export const RECORDED_COLUMNS: readonly EventColumn[] = EVENTS_TABLE.columns.filter(
  (column) => column.recorded,
)

/** What leaves the store with an event (the event log, exports): its fields and its recorded price. */
export const CARRIED_COLUMNS: readonly EventColumn[] = EVENTS_TABLE.columns.filter(
  (column) => column.field || column.recorded,
)

/** The dimensions the hourly rollups are kept by, in the store's order. */
export const ROLLUP_KEY_COLUMNS = EVENTS_TABLE.columns.filter((column) => column.rollup === 'key')

/** Every column a rollup contribution is computed from (keys and measures). */
export const ROLLUP_SOURCE_COLUMNS = EVENTS_TABLE.columns
  .filter((column) => column.rollup !== undefined)
  .map((column) => column.name)

/** Columns that can hold NULL (attribution columns never do: they hold `unattributed`). */
export const NULLABLE_COLUMNS: ReadonlySet<string> = new Set(
  EVENTS_TABLE.columns.filter((column) => column.nullable).map((column) => column.name),
)

/** The events columns `engine` keeps (at its latest schema version). */
export const eventColumns = (engine: EngineName) => columnsAt(EVENTS_TABLE, engine)
