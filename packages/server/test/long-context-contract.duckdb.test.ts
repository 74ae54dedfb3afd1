import { join } from 'node:path'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { runLongContextContract } from './long-context-contract.js'

runLongContextContract({ name: 'duckdb', open: (folder) => openDuckDBStore(join(folder, 'events.duckdb')) })
