/**
 * The store is held by another process: a DuckDB file allows one writer, so while `spendlens serve`
 * runs on it no other process can open it. The CLI's data commands then go through that server's
 * API instead (remote/store-or-server.ts).
 */
export class StoreLockedError extends Error {
  readonly location: string

  constructor(location: string, options: { cause?: unknown } = {}) {
    super(
      `${location} is in use by another spendlens process (DuckDB allows one writer). Stop it or use another --store.`,
      { cause: options.cause },
    )
    this.name = 'StoreLockedError'
    this.location = location
  }
}
