import { join } from 'node:path'
import { SqlBuilder } from '../src/query/sql-builder.js'
import { openDuckDBStore } from '../src/store/duckdb/duckdb-store.js'
import { runStoreContract } from './store-contract.js'

runStoreContract({
  name: 'duckdb',
  open: (folder) => openDuckDBStore(join(folder, 'events.duckdb')),
  slowQuery() {
    const sql = new SqlBuilder('duckdb')
    return sql.done(`SELECT sum(hash(range)) AS s FROM range(1000000000000) WHERE range >= ${sql.bind(0)}`)
  },
})
