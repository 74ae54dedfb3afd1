import { join } from 'node:path'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { runDecisionsContract } from './decisions-contract.js'

runDecisionsContract({ name: 'duckdb', open: (folder) => openDuckDBStore(join(folder, 'events.duckdb')) })
