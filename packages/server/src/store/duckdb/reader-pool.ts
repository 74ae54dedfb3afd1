import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import type { Execute } from '../../query/run-query.js'

/** Reader connections kept open between queries (the dashboard's overview sends about a dozen at once). */
const MAX_IDLE_READERS = 8

/**
 * Connections for reads. Readers borrow a connection and give it back: opening one per query cost
 * more than a small rollup query itself. DuckDB runs queries on different connections side by side.
 */
export class ReaderPool {
  private readonly idle: DuckDBConnection[] = []

  constructor(private readonly instance: DuckDBInstance) {}

  async read<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = this.idle.pop() ?? (await this.instance.connect())
    try {
      return await work(connection)
    } finally {
      if (this.idle.length < MAX_IDLE_READERS) this.idle.push(connection)
      else connection.closeSync()
    }
  }

  /** Runs compiled SQL and answers plain row objects (the query layer's Execute). */
  readonly execute: Execute = (compiled) =>
    this.read(async (connection) => {
      const reader = await connection.runAndReadAll(compiled.sql, compiled.params)
      return reader.getRowObjects() as Record<string, unknown>[]
    })

  close(): void {
    for (const connection of this.idle.splice(0)) connection.closeSync()
  }
}
