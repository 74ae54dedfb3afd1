import type { DuckDBConnection } from '@duckdb/node-api'

/** Runs `statements` (no parameters) as one transaction, in one call into DuckDB. */
export async function runTransaction(connection: DuckDBConnection, statements: string[]): Promise<void> {
  try {
    await connection.run(`BEGIN TRANSACTION; ${statements.join('; ')}; COMMIT`)
  } catch (error) {
    // A failed statement leaves the transaction open and aborted.
    await connection.run('ROLLBACK').catch(() => undefined)
    throw error
  }
}

/** Runs `work` (statements one by one, with parameters) in a transaction. */
export async function inTransaction(connection: DuckDBConnection, work: () => Promise<void>): Promise<void> {
  await connection.run('BEGIN TRANSACTION')
  try {
    await work()
    await connection.run('COMMIT')
  } catch (error) {
    // A COMMIT that failed (a full disk) has rolled back already: the original error is the one to tell.
    await connection.run('ROLLBACK').catch(() => undefined)
    throw error
  }
}
