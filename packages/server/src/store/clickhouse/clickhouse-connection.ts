import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client'
import type { Execute } from '../../query/run-query.js'

/**
 * Token counts and nano-dollar sums are Int64: read as numbers, exact up to 2⁵³ (9 million dollars
 * in one sum), as the DuckDB store reads its BIGINTs.
 */
export const READ_SETTINGS: ClickHouseSettings = { output_format_json_quote_64bit_integers: 0 }

/** Larger batches are parts worth writing on their own; smaller ones go through the async-insert buffer. */
export const ASYNC_INSERT_MAX_ROWS = 1000

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

  /** Runs compiled SQL (the query layer's Execute). */
  readonly execute: Execute = (compiled) => this.rows(compiled.sql, compiled.params)

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
