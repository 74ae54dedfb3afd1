import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Credentials } from '../src/auth/credentials.js'
import { KEYS_TABLE } from '../src/schema/keys-table.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'

// Keys and users are record tables (schema/record-table.ts), read and written the same way on both
// engines: the real DuckDB file and ClickHouse SQL on chDB.
describe.each([
  ['duckdb', (folder: string) => openStore(join(folder, 'events.duckdb'))],
  ['clickhouse', (folder: string) => openStore(`chdb://${join(folder, 'chdb')}`)],
])('credentials on %s', (_engine, open) => {
  let folder: string
  let store: Store
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-credentials-'))
    store = await open(folder)
  })
  afterAll(async () => {
    await store.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('stores only a hash, checks keys, revokes them, and keeps that across a reopen', async () => {
    const credentials = await Credentials.open(store, { refresh: false })
    expect(credentials.required).toBe(false)
    await expect(credentials.createKey({ project: 'Shop!', role: 'ingest' })).rejects.toThrow(
      /not a project name/,
    )
    const { key, record } = await credentials.createKey({ project: 'shop', role: 'ingest', name: 'api pods' })
    expect(key).toMatch(/^sl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/)
    expect(credentials.required).toBe(true)

    const [stored] = await store.readRecords(KEYS_TABLE)
    expect(stored).toEqual(record)
    expect(JSON.stringify(stored)).not.toContain(key.slice(16))

    expect(await credentials.authenticateKey(key)).toEqual({
      kind: 'key',
      id: record.id,
      role: 'ingest',
      projects: ['shop'],
    })
    // One character off, the right id with another secret, and garbage are all refused.
    expect(
      await credentials.authenticateKey(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`),
    ).toBeNull()
    expect(await credentials.authenticateKey(`sl_000000000000_${'x'.repeat(43)}`)).toBeNull()
    expect(await credentials.authenticateKey("' OR 1=1 --")).toBeNull()

    await credentials.revokeKey(record.id)
    expect(await credentials.authenticateKey(key)).toBeNull()

    // Another process (a CLI, a second server) sees the same keys, revocation included.
    const again = await Credentials.open(store, { refresh: false })
    expect(again.required).toBe(true)
    expect(again.listKeys()).toHaveLength(1)
    expect(again.listKeys()[0]?.revokedAt).not.toBeNull()
    expect(await again.authenticateKey(key)).toBeNull()
  })

  it('finds a key another process made since, at its first use', async () => {
    const server = await Credentials.open(store, { refresh: false })
    const cli = await Credentials.open(store, { refresh: false })
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const { key } = await cli.createKey({ role: 'read' })
    expect((await server.authenticateKey(key))?.projects).toEqual(['default'])
  })

  it('writes last-used times back, to the minute', async () => {
    const credentials = await Credentials.open(store, { refresh: false })
    const { key, record } = await credentials.createKey({ role: 'read' })
    await credentials.authenticateKey(key, 1_800_000_000_000)
    await credentials.authenticateKey(key, 1_800_000_010_000)
    await credentials.flushUsage()
    const stored = (await store.readRecords(KEYS_TABLE)).find((row) => row.id === record.id)
    expect(stored?.lastUsedAt).toBe(1_800_000_000_000)
  })

  it('checks users by a salted scrypt hash, and disabling one ends their access', async () => {
    const credentials = await Credentials.open(store, { refresh: false })
    await expect(
      credentials.createUser({ name: 'ana', password: 'short', role: 'read', projects: [] }),
    ).rejects.toThrow(/at least 12/)
    const user = await credentials.createUser({
      name: 'ana',
      password: 'correct horse battery',
      role: 'read',
      projects: ['shop', 'default'],
    })
    expect(user.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(user.passwordHash).not.toContain('correct')
    expect(await credentials.authenticateUser('ana', 'correct horse battery')).toMatchObject({
      kind: 'user',
      projects: ['shop', 'default'],
    })
    expect(await credentials.authenticateUser('ana', 'correct horse batterY')).toBeNull()
    expect(await credentials.authenticateUser('nobody', 'correct horse battery')).toBeNull()
    await credentials.disableUser('ana')
    expect(await credentials.authenticateUser('ana', 'correct horse battery')).toBeNull()
    expect(credentials.principalOf({ kind: 'user', id: 'ana' })).toBeNull()
  })
})
