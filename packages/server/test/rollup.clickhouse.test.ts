import { join } from 'node:path'
import { openStore } from '../src/store/open-store.js'
import { runRollupSuite } from './rollup-suite.js'

// Real ClickHouse SQL on chDB, the embedded engine, behind the official client.
runRollupSuite({ name: 'clickhouse', open: (folder) => openStore(`chdb://${join(folder, 'chdb')}`) })
