import { join } from 'node:path'
import { SqlBuilder } from '../src/query/sql-builder.js'
import { openStore } from '../src/store/open-store.js'
import { runStoreContract } from './store-contract.js'

// Real ClickHouse SQL on chDB, the embedded engine, behind the official client.
runStoreContract({
  name: 'clickhouse',
  open: (folder) => openStore(`chdb://${join(folder, 'chdb')}`),
  slowQuery() {
    const sql = new SqlBuilder('clickhouse')
    return sql.done(
      `SELECT sum(cityHash64(number)) AS s FROM numbers(1000000000000) WHERE number >= ${sql.bind(0)}`,
    )
  },
})
