import { join } from 'node:path'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { runStoreContract } from './store-contract.js'

runStoreContract({
  name: 'duckdb',
  open: (folder) => openDuckDBStore(join(folder, 'events.duckdb')),
})
