import { loadDemo } from './demo/demo-data.js'
import { createApp } from './http/create-app.js'
import { openDuckDBStore } from './store/duckdb-store.js'
import type { Store } from './store/store.js'

export interface StartServerOptions {
  /** DuckDB file (created if missing). */
  storePath: string
  /** 0 picks a free port. Default 4600. */
  port?: number
  /** Default 127.0.0.1: the API has no authentication yet, so it is not exposed beyond this machine unless asked. */
  host?: string
  /** Load demo data when the store is empty. Default true. */
  demo?: boolean
  logger?: boolean
  /** Told what happened at start-up (demo loaded…). */
  onNotice?: (message: string) => void
}

export interface RunningServer {
  url: string
  store: Store
  demoLoaded: boolean
  close(): Promise<void>
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const store = await openDuckDBStore(options.storePath)
  let demoLoaded = false
  try {
    if ((options.demo ?? true) && (await store.stats()).events === 0) {
      const started = performance.now()
      const { events } = await loadDemo(store)
      demoLoaded = true
      options.onNotice?.(
        `The store was empty: loaded ${events.toLocaleString('en-US')} demo events (30 days of a fictional product) in ${Math.round(performance.now() - started)} ms. The dashboard labels them as demo data; start with --no-demo to skip this.`,
      )
    }
    const app = await createApp({ store, logger: options.logger })
    const address = await app.listen({ port: options.port ?? 4600, host: options.host ?? '127.0.0.1' })
    return {
      url: `${address.replace('[::1]', 'localhost')}/`,
      store,
      demoLoaded,
      async close() {
        await app.close()
        await store.close()
      },
    }
  } catch (error) {
    await store.close()
    throw error
  }
}
