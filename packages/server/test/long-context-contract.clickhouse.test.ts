import { join } from 'node:path'
import { openStore } from '../src/store/open-store.js'
import { runLongContextContract } from './long-context-contract.js'

// Real ClickHouse SQL on chDB, the embedded engine, behind the official client.
runLongContextContract({ name: 'clickhouse', open: (folder) => openStore(`chdb://${join(folder, 'chdb')}`) })
