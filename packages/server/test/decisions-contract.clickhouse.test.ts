import { join } from 'node:path'
import { openStore } from '../src/store/open-store.js'
import { runDecisionsContract } from './decisions-contract.js'

// Real ClickHouse SQL on chDB, the embedded engine, behind the official client.
runDecisionsContract({ name: 'clickhouse', open: (folder) => openStore(`chdb://${join(folder, 'chdb')}`) })
