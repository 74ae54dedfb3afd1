import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import { type Command, Option } from 'commander'
import type { Meta } from '../api/api-types.js'
import { portFromEnvironment } from '../cli-arguments.js'
import { openStore } from '../store/open-store.js'
import type { Store } from '../store/store.js'
import { StoreLockedError } from '../store/store-locked.js'
import { ServerClient, ServerUnreachableError } from './server-client.js'

/** `--server` and `--key` (or $SPENDLENS_SERVER and $SPENDLENS_ADMIN_KEY). */
export interface ServerOptions {
  server?: string
  key?: string
}

/** What a data command works on: the store itself, or the server that holds it. */
export type StoreOrServer = { kind: 'store'; store: Store } | { kind: 'server'; client: ServerClient }

/** Adds `--server` and `--key` to a data command (docs/cli.md "Against a running server"). */
export function addServerOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--server <url>',
        'do it through this running spendlens server (default: when a server holds the store, the one at http://127.0.0.1:$SPENDLENS_PORT, else $PORT, else 4600)',
      ).env('SPENDLENS_SERVER'),
    )
    .addOption(
      new Option('--key <key>', 'an admin key of that server, when it has keys').env('SPENDLENS_ADMIN_KEY'),
    )
}

/**
 * The store at `location`, or the server to go through: the one `--server` names, or, when the
 * store is held by a running server (a DuckDB file allows one writer), the one on this machine at
 * the port `spendlens serve` would take. `mustExist`: a store to read from is not created.
 */
export async function openStoreOrServer(
  location: string,
  options: ServerOptions & { mustExist?: boolean; open?: (location: string) => Promise<Store> },
): Promise<StoreOrServer> {
  if (options.server !== undefined)
    return { kind: 'server', client: new ServerClient(options.server, options.key) }
  if (options.mustExist && !location.includes('://') && location !== ':memory:' && !existsSync(location))
    throw new Error(`no store at ${location}`)
  try {
    return { kind: 'store', store: await (options.open ?? openStore)(location) }
  } catch (error) {
    if (!(error instanceof StoreLockedError)) throw error
    const client = new ServerClient(`http://127.0.0.1:${portFromEnvironment()}/`, options.key)
    const meta = await client.json<Meta>('GET', 'api/meta').catch((cause: Error) => {
      if (cause instanceof ServerUnreachableError)
        throw new Error(
          `${location} is held by another process (a running spendlens server: DuckDB allows one writer), and ${cause.message}. Pass --server <url> of the server that runs on it (and --key with an admin key if it has keys), or stop it.`,
        )
      throw cause
    })
    // A server on another store would take what was meant for this one.
    if (basename(meta.store.path) !== basename(location))
      throw new Error(
        `${location} is held by another process, and the server at ${client.url} runs on ${meta.store.path}, not on it: pass --server <url> of the server that runs on ${location}, or stop it.`,
      )
    return { kind: 'server', client }
  }
}
