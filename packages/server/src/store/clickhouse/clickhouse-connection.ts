import type { ClickHouseClient, ClickHouseSettings, ResultSet } from '@clickhouse/client'
import { DIALECTS } from '../../query/dialect.js'
import type { Execute } from '../../query/run-query.js'
import type { CompiledQuery } from '../../query/sql-builder.js'
import type { TimeLimit } from '../../query/time-limit.js'

/**
 * Token counts and nano-dollar sums are Int64: read as numbers, exact up to 2⁵³ (9 million dollars
 * in one sum), as the DuckDB store reads its BIGINTs.
 */
export const READ_SETTINGS: ClickHouseSettings = { output_format_json_quote_64bit_integers: 0 }

/** Larger batches are parts worth writing on their own; smaller ones go through the async-insert buffer. */
export const ASYNC_INSERT_MAX_ROWS = 1000

/** ClickHouse's code for a query stopped by its `max_execution_time`. */
const TIMEOUT_EXCEEDED = '159'

/**
 * A read held to `seconds` by ClickHouse itself. The setting goes in the statement's SETTINGS
 * clause, not in the client's `clickhouse_settings`: chDB turns those into SETs that stay on its
 * session for every later statement (and for statements running beside it). Compiled reads end
 * with the dialect's SETTINGS clause (SqlBuilder.done), which the limit joins.
 */
export function withTimeLimit(sql: string, seconds: number): string {
  // `throw`, not a server profile's `break`, which would answer the rows read so far as if complete.
  const limit = `max_execution_time = ${seconds.toFixed(3)}, timeout_overflow_mode = 'throw'`
  return sql.endsWith(DIALECTS.clickhouse.settings) ? `${sql}, ${limit}` : `${sql} SETTINGS ${limit}`
}

/** ClickHouse's DateTime64 text form in UTC, which every server version parses the same way. */
export function clickhouseTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ')
}

/** The official client as the store uses it: rows as objects, inserts with the store's settings. */
export class ClickHouseConnection {
  constructor(
    readonly client: ClickHouseClient,
    /**
     * Send batches of up to ASYNC_INSERT_MAX_ROWS rows as async inserts (`async_insert=1,
     * wait_for_async_insert=1`): the server buffers many collectors' small batches into one part
     * instead of one part per request, and still answers only once the rows are written.
     */
    private readonly asyncInsert: boolean,
  ) {}

  async rows(query: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
    const result = await this.client.query({
      query,
      query_params: params,
      format: 'JSONEachRow',
      // 64-bit integers as JSON numbers: older servers quote them by default.
      clickhouse_settings: READ_SETTINGS,
    })
    return result.json<Record<string, unknown>>()
  }

  /**
   * Runs compiled SQL, and with `read` reads its answer. Past the time limit ClickHouse stops the
   * statement on its own clock (withTimeLimit), and the client stops waiting for it (on chDB, the
   * client gives up at once while the engine stops at its limit).
   */
  async run<T>(
    compiled: CompiledQuery,
    limit: TimeLimit | undefined,
    read: (result: ResultSet<'JSONEachRow'>) => Promise<T>,
  ): Promise<T> {
    if (!limit) {
      const result = await this.client.query({
        query: compiled.sql,
        query_params: compiled.params,
        format: 'JSONEachRow',
        clickhouse_settings: READ_SETTINGS,
      })
      return read(result)
    }
    limit.check()
    try {
      const result = await this.client.query({
        // At least a millisecond: a max_execution_time of 0 is no limit at all.
        query: withTimeLimit(compiled.sql, Math.max(1, limit.remainingMs()) / 1000),
        query_params: compiled.params,
        format: 'JSONEachRow',
        clickhouse_settings: READ_SETTINGS,
        abort_signal: limit.signal,
      })
      return await read(result)
    } catch (error) {
      if (limit.expired || (error as { code?: unknown }).code === TIMEOUT_EXCEEDED) throw limit.error(error)
      throw error
    }
  }

  /** The query layer's Execute, its statements held to `limit` (or to none). */
  executor(limit: TimeLimit | undefined): Execute {
    return (compiled) => this.run(compiled, limit, (result) => result.json<Record<string, unknown>>())
  }

  /** Runs compiled SQL (the query layer's Execute), with no time limit. */
  readonly execute: Execute = this.executor(undefined)

  /** Inserts rows as JSON, as async inserts when small enough (see asyncInsert). */
  async insert(table: string, values: readonly Record<string, unknown>[]): Promise<void> {
    await this.client.insert({
      table,
      values: values as Record<string, unknown>[],
      format: 'JSONEachRow',
      // Always said explicitly: chDB keeps a SET for the rest of its session.
      clickhouse_settings:
        this.asyncInsert && values.length <= ASYNC_INSERT_MAX_ROWS
          ? { async_insert: 1, wait_for_async_insert: 1 }
          : { async_insert: 0 },
    })
  }

  async command(
    query: string,
    params?: Record<string, unknown>,
    settings?: ClickHouseSettings,
  ): Promise<void> {
    await this.client.command({ query, query_params: params, clickhouse_settings: settings })
  }
}
