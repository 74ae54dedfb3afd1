import type { ClickHouseClient } from '@clickhouse/client'
import { type ClickHouseTarget, checkTarget } from './clickhouse/migrations.js'
import { DEFAULT_SPOOL_MAX_BYTES, type OutageSpoolOptions } from './clickhouse/outage-spool.js'
import { openDuckDBStore } from './duckdb/duckdb-store.js'
import type { QueryInsight, Store } from './store.js'

export { type ClickHouseTarget, clickhouseDdl } from './clickhouse/migrations.js'

/**
 * A store from its location:
 * - a file path (the default): DuckDB, e.g. `.spendlens/spendlens.duckdb`;
 * - `chdb://<folder>`: ClickHouse embedded in this process through chDB (tests, local use);
 *   plain inserts unless `?async_insert=1`;
 * - `clickhouse://user:pass@host:8123/db` (HTTP) or `clickhouses://user:pass@host:8443/db` (HTTPS):
 *   a ClickHouse server. Query parameters: `cluster=NAME` (the schema of `spendlens clickhouse-ddl
 *   --cluster NAME`), `async_insert=0` to send every batch as a plain insert, `spool_dir=FOLDER`
 *   and `spool_max_bytes=N` (with KB, MB or GB) for the outage buffer, where batches wait while the
 *   server is unreachable (clickhouse/outage-spool.ts; by default 512MB in
 *   `.spendlens/clickhouse-spool/<host>-<port>-<database>`; `spool_max_bytes=0` turns it off).
 *   Without a password in the URL, the one in SPENDLENS_CLICKHOUSE_PASSWORD is used.
 *
 * The store's `location` never holds the password.
 */
export async function openStore(location: string): Promise<Store & QueryInsight> {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(location)?.[1]?.toLowerCase()
  if (scheme === undefined) return openDuckDBStore(location)
  if (scheme === 'chdb') return openChdbStore(location.slice('chdb://'.length))
  if (scheme === 'clickhouse' || scheme === 'clickhouses') return openClickHouseServerStore(location)
  throw new Error(
    `unknown store ${describeLocation(location)}: use a DuckDB file path, chdb://<folder> or clickhouse://user:password@host:8123/database`,
  )
}

/** A location as it may be shown: a URL loses its password. */
export function describeLocation(location: string): string {
  try {
    const url = new URL(location)
    url.password = ''
    return url.toString()
  } catch {
    return location
  }
}

type ClientConnection = NonNullable<
  Parameters<typeof import('@clickhouse/client').createClient>[0]
>['connection']

/**
 * The official client on chDB's embedded ClickHouse, its data in the folder `path`. chDB runs one
 * engine per process: close a client before opening another folder.
 */
export async function createChdbClient(path: string): Promise<ClickHouseClient> {
  // Loaded only when asked for: chDB's engine is a large native library.
  const [{ createClient }, { createChdbConnection }] = await Promise.all([
    import('@clickhouse/client'),
    import('chdb/connection'),
  ])
  // chDB types its connection with its own copy of @clickhouse/client-common; the shapes are the same.
  const connection = createChdbConnection({ path }) as unknown as ClientConnection
  return createClient({ connection })
}

/** The `?…` of a store URL: only the names given, each `0` or `1` where it is a switch. */
function storeParameters(query: URLSearchParams, known: string[]): Map<string, string> {
  for (const key of query.keys()) {
    if (!known.includes(key))
      throw new Error(`unknown parameter ${key} in the store URL (known: ${known.join(', ')})`)
  }
  const async = query.get('async_insert')
  if (async !== null && async !== '0' && async !== '1') throw new Error('async_insert must be 0 or 1')
  return new Map(query.entries())
}

async function openChdbStore(location: string): Promise<Store & QueryInsight> {
  const [path = '', query = ''] = location.split('?', 2)
  const parameters = storeParameters(new URLSearchParams(query), ['async_insert'])
  if (path === '') throw new Error('chdb:// needs a folder, e.g. chdb://.spendlens/chdb')
  const { openClickHouseStore } = await import('./clickhouse/clickhouse-store.js')
  const client = await createChdbClient(path)
  try {
    return await openClickHouseStore({
      client,
      location: `chdb://${path}`,
      // The chDB connection has no notion of a current database: its data folder is the store.
      target: { database: 'default' },
      // One process, no other collectors to share an async-insert buffer with: plain inserts by default.
      asyncInsert: parameters.get('async_insert') === '1',
    })
  } catch (error) {
    await client.close()
    throw error
  }
}

async function openClickHouseServerStore(location: string): Promise<Store & QueryInsight> {
  const url = new URL(location)
  const secure = url.protocol === 'clickhouses:'
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'default'
  const parameters = storeParameters(url.searchParams, [
    'cluster',
    'async_insert',
    'spool_dir',
    'spool_max_bytes',
  ])
  const cluster = parameters.get('cluster')
  const asyncInsert = parameters.get('async_insert') !== '0'
  const target: ClickHouseTarget = { database, ...(cluster ? { cluster } : {}) }
  checkTarget(target)
  const server = `${secure ? 'https' : 'http'}://${url.hostname}:${url.port || (secure ? '8443' : '8123')}`
  const { ClickHouseLogLevel, createClient } = await import('@clickhouse/client')
  const { ensureDatabase, openClickHouseStore } = await import('./clickhouse/clickhouse-store.js')
  const connect = (databaseName: string) =>
    createClient({
      url: server,
      username: decodeURIComponent(url.username) || 'default',
      // From the environment when the URL has none: a URL on the command line shows in `ps`.
      password: decodeURIComponent(url.password) || (process.env.SPENDLENS_CLICKHOUSE_PASSWORD ?? ''),
      database: databaseName,
      application: 'spendlens',
      // Failures are thrown to the caller, who reports them once.
      log: { level: ClickHouseLogLevel.OFF },
      // Long id lists (the append's lookup) go in the body, not the URL.
      use_multipart_params_auto: true,
    })
  if (database !== 'default') {
    // The client names its database on every request, so it must exist before a client can use it.
    const bootstrap = connect('default')
    try {
      await ensureDatabase(bootstrap, target)
    } finally {
      await bootstrap.close()
    }
  }
  const client = connect(database)
  try {
    return await openClickHouseStore({
      client,
      location: `${url.protocol}//${url.username ? `${url.username}@` : ''}${url.host}/${database}${cluster ? `?cluster=${cluster}` : ''}`,
      target,
      asyncInsert,
      spool: spoolOptions(
        parameters,
        `.spendlens/clickhouse-spool/${url.hostname}-${url.port || 'default'}-${database}`,
      ),
    })
  } catch (error) {
    await client.close()
    throw error
  }
}

/** The outage buffer of a store URL (`spool_dir`, `spool_max_bytes`), or none when its bound is 0. */
function spoolOptions(parameters: Map<string, string>, defaultDir: string): OutageSpoolOptions | undefined {
  const bound = parameters.get('spool_max_bytes')
  const maxBytes = bound === undefined ? DEFAULT_SPOOL_MAX_BYTES : parseBytes(bound)
  if (maxBytes === 0) return undefined
  return { dir: parameters.get('spool_dir') || defaultDir, maxBytes }
}

/** `512MB`, `2GB`, `65536`: bytes, with KB, MB or GB counted in 1024s. */
function parseBytes(text: string): number {
  const match = /^(\d+)\s*(KB|MB|GB)?$/i.exec(text.trim())
  if (!match)
    throw new Error(`spool_max_bytes must be a number of bytes, e.g. 512MB, not ${JSON.stringify(text)}`)
  const unit = { KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[(match[2] ?? '').toUpperCase() as 'KB'] ?? 1
  return Number(match[1]) * unit
}
