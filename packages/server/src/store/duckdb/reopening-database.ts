import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { StoreUnavailableError } from '../store-unavailable.js'
import type { AppendPipeline } from './append-pipeline.js'
import { diskFailure } from './disk-failure.js'
import type { ReaderPool } from './reader-pool.js'
import type { RollupHours } from './rollup-hours.js'

/** One opening of the DuckDB file: the instance and what the store runs on it. */
export interface OpenDatabase {
  instance: DuckDBInstance
  writer: DuckDBConnection
  stager: DuckDBConnection
  readers: ReaderPool
  hours: RollupHours
  pipeline: AppendPipeline
}

/** Between two attempts to reopen a file that could not be opened (a read-only filesystem). */
const REOPEN_INTERVAL_MS = 1000

/**
 * The store's database, opened again after a disk failure that needs it (disk-failure.ts), without
 * restarting the server. A failure releases the opening: its connections and instance are closed
 * once the work in flight on them has ended, so the file is free (a filesystem can be remounted) and
 * no second instance ever writes it beside the first. The next request opens the file again, which
 * replays the write-ahead log: everything committed before the failure is there. While the file
 * cannot be opened, requests fail with StoreUnavailableError at once, and an attempt is made at
 * most every second.
 */
export class ReopeningDatabase {
  private current: OpenDatabase | undefined
  private reopening: Promise<OpenDatabase> | undefined
  /** Resolves when the last released opening has let go of the file. */
  private released: Promise<void> = Promise.resolve()
  private lastFailure: unknown
  private nextAttempt = 0
  private closed = false

  private constructor(
    private readonly path: string,
    private readonly open: () => Promise<OpenDatabase>,
  ) {}

  /** Opens the file with `open` (which closes what it opened when it fails), as the store starts. */
  static async open(path: string, open: () => Promise<OpenDatabase>): Promise<ReopeningDatabase> {
    const database = new ReopeningDatabase(path, open)
    database.current = await open()
    return database
  }

  /** The open database now, for tests and benchmarks that run SQL beside the store. */
  get now(): OpenDatabase {
    if (!this.current) throw this.unavailable()
    return this.current
  }

  /**
   * Runs `work` on the open database (reopened first if a failure released it). A disk failure
   * becomes a StoreUnavailableError, and releases the database when it must be reopened.
   */
  async use<T>(work: (database: OpenDatabase) => Promise<T>): Promise<T> {
    const database = await this.opened()
    try {
      return await work(database)
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error
      const failure = diskFailure(error)
      // Work cut short by a release (its connection closed under it) is as unavailable as the rest.
      if (failure === undefined && this.current === database) throw error
      this.lastFailure = error
      if (failure === 'reopen') this.release(database)
      throw this.unavailable()
    }
  }

  /** Runs `work` on the database before closing it for good (the store's close). */
  async close(work: (database: OpenDatabase) => Promise<void>): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.reopening?.catch(() => undefined)
    const database = this.current
    this.current = undefined
    if (database) {
      await work(database).catch(() => undefined)
      await closeDatabase(database)
    }
    await this.released
  }

  private opened(): Promise<OpenDatabase> {
    if (this.current) return Promise.resolve(this.current)
    if (this.closed) return Promise.reject(new Error(`the store ${this.path} is closed`))
    this.reopening ??= this.reopen().finally(() => {
      this.reopening = undefined
    })
    return this.reopening
  }

  private async reopen(): Promise<OpenDatabase> {
    await this.released
    const wait = this.nextAttempt - Date.now()
    if (wait > 0) throw this.unavailable()
    try {
      this.current = await this.open()
      return this.current
    } catch (error) {
      this.lastFailure = error
      this.nextAttempt = Date.now() + REOPEN_INTERVAL_MS
      throw this.unavailable()
    }
  }

  private release(database: OpenDatabase): void {
    if (this.current !== database) return
    this.current = undefined
    const previous = this.released
    this.released = previous.then(() => closeDatabase(database)).catch(() => undefined)
  }

  private unavailable(): StoreUnavailableError {
    const cause = this.lastFailure
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : 'it is being reopened'
    return new StoreUnavailableError(`the DuckDB store ${this.path} cannot be written now: ${reason}`, {
      cause,
    })
  }
}

/** Closes an opening once the appends and reads in flight on it have ended. */
async function closeDatabase(database: OpenDatabase): Promise<void> {
  await database.pipeline.exclusive(async () => {
    await database.readers.close()
    database.stager.closeSync()
    database.writer.closeSync()
    database.instance.closeSync()
  })
}
