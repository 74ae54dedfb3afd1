import type { DuckDBConnection, DuckDBInstance, DuckDBResultReader } from '@duckdb/node-api'
import type { Execute } from '../../query/run-query.js'
import type { CompiledQuery } from '../../query/sql-builder.js'
import type { TimeLimit } from '../../query/time-limit.js'

/** Reader connections kept open between queries (the dashboard's overview sends about a dozen at once). */
const MAX_IDLE_READERS = 8

/**
 * How often a statement past its time limit is interrupted again until it stops. DuckDB forgets an
 * interrupt that lands before the statement starts executing (while it is being prepared, or in
 * the moment between two steps of the client), so one interrupt is not enough.
 */
const INTERRUPT_EVERY_MS = 25

/**
 * Connections for reads. Readers borrow a connection and give it back: opening one per query cost
 * more than a small rollup query itself. DuckDB runs queries on different connections side by side.
 */
export class ReaderPool {
  private readonly idle: DuckDBConnection[] = []
  private active = 0
  private closed = false
  private readonly drained: (() => void)[] = []

  constructor(private readonly instance: DuckDBInstance) {}

  async read<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the database was closed')
    this.active++
    let connection: DuckDBConnection | undefined
    try {
      connection = this.idle.pop() ?? (await this.instance.connect())
      return await work(connection)
    } finally {
      this.active--
      if (connection) {
        if (!this.closed && this.idle.length < MAX_IDLE_READERS) this.idle.push(connection)
        else connection.closeSync()
      }
      if (this.closed && this.active === 0) for (const resolve of this.drained.splice(0)) resolve()
    }
  }

  /**
   * Runs compiled SQL to its last row. Past the time limit its connection is interrupted: DuckDB
   * stops the statement's work, on every thread, and the connection returns to the pool only once
   * it has stopped, ready for the next statement.
   */
  run(compiled: CompiledQuery, limit: TimeLimit | undefined): Promise<DuckDBResultReader> {
    return this.read(async (connection) => {
      if (!limit) return connection.runAndReadAll(compiled.sql, compiled.params)
      limit.check()
      let repeat: NodeJS.Timeout | undefined
      const interrupt = () => {
        connection.interrupt()
        repeat = setInterval(() => connection.interrupt(), INTERRUPT_EVERY_MS)
      }
      limit.signal.addEventListener('abort', interrupt, { once: true })
      try {
        return await connection.runAndReadAll(compiled.sql, compiled.params)
      } catch (error) {
        if (limit.expired) throw limit.error(error)
        throw error
      } finally {
        limit.signal.removeEventListener('abort', interrupt)
        clearInterval(repeat)
      }
    })
  }

  /** The query layer's Execute, its statements held to `limit` (or to none). */
  executor(limit: TimeLimit | undefined): Execute {
    return async (compiled) => (await this.run(compiled, limit)).getRowObjects() as Record<string, unknown>[]
  }

  /** Runs compiled SQL and answers plain row objects (the query layer's Execute), with no time limit. */
  readonly execute: Execute = this.executor(undefined)

  /**
   * Closes the idle connections now and the borrowed ones as they come back; resolves once every
   * connection is closed (a database is only released when none is left).
   */
  close(): Promise<void> {
    this.closed = true
    for (const connection of this.idle.splice(0)) connection.closeSync()
    if (this.active === 0) return Promise.resolve()
    return new Promise((resolve) => this.drained.push(resolve))
  }
}
