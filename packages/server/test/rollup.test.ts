import { join } from 'node:path'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { runRollupSuite } from './rollup-suite.js'

runRollupSuite({ name: 'duckdb', open: (folder) => openDuckDBStore(join(folder, 'events.duckdb')) })
