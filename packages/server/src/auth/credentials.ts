import { type ApiKeyRecord, KEYS_TABLE, type Role } from '../schema/keys-table.js'
import { checkProjectName, DEFAULT_PROJECT } from '../schema/projects.js'
import { ALL_PROJECTS, USERS_TABLE, type UserRecord } from '../schema/users-table.js'
import type { Store } from '../store/store.js'
import type { Principal } from './access.js'
import { keyId, keyMatches, newApiKey } from './api-keys.js'
import { hashPassword, MIN_PASSWORD_LENGTH, passwordMatches } from './passwords.js'

/** How often the keys and users are read again: changes another process made (the CLI on ClickHouse). */
const REFRESH_MS = 30_000
/** An unknown key id reads the store again at most this often (a key made a moment ago elsewhere). */
const MISS_RELOAD_MS = 1_000
/** Last-used times are kept to this precision, and written back at most this often. */
const LAST_USED_PRECISION_MS = 60_000

export const principalOfKey = (key: ApiKeyRecord): Principal => ({
  kind: 'key',
  id: key.id,
  role: key.role,
  projects: [key.project],
})

export const principalOfUser = (user: UserRecord): Principal => ({
  kind: 'user',
  id: user.name,
  role: user.role,
  projects: user.projects.includes(ALL_PROJECTS) ? ALL_PROJECTS : user.projects,
})

/**
 * The keys and users of a store, held in memory so that checking a key costs a hash and a map
 * lookup (microseconds). Changes made through this object take effect at once; changes another
 * process writes to the store (the CLI next to a ClickHouse server) within REFRESH_MS, and a new
 * key at its first use.
 */
export class Credentials {
  private keys = new Map<string, ApiKeyRecord>()
  private users = new Map<string, UserRecord>()
  private loadedAt = 0
  private loading: Promise<void> | null = null
  private readonly usedKeys = new Set<string>()
  private timer: NodeJS.Timeout | null = null

  private constructor(private readonly store: Store) {}

  static async open(store: Store, options: { refresh?: boolean } = {}): Promise<Credentials> {
    const credentials = new Credentials(store)
    await credentials.reload()
    if (options.refresh !== false) {
      credentials.timer = setInterval(() => {
        credentials.flushUsage().catch(() => undefined)
        credentials.reload().catch(() => undefined)
      }, REFRESH_MS)
      credentials.timer.unref()
    }
    return credentials
  }

  /**
   * Whether requests need a credential: once a key or a user has ever been made. Revoking every key
   * does not open the server again.
   */
  get required(): boolean {
    return this.keys.size > 0 || this.users.size > 0
  }

  reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const [keys, users] = await Promise.all([
          this.store.readRecords(KEYS_TABLE),
          this.store.readRecords(USERS_TABLE),
        ])
        const next = new Map(keys.map((key) => [key.id, key]))
        // Last-used times not yet written back are newer than the stored ones.
        for (const id of this.usedKeys) {
          const held = this.keys.get(id)
          const stored = next.get(id)
          if (held && stored) stored.lastUsedAt = held.lastUsedAt
        }
        this.keys = next
        this.users = new Map(users.map((user) => [user.name, user]))
        this.loadedAt = Date.now()
      } finally {
        this.loading = null
      }
    })()
    return this.loading
  }

  /** The principal of a valid, unrevoked key, or null. */
  async authenticateKey(key: string, now = Date.now()): Promise<Principal | null> {
    const id = keyId(key)
    if (id === null) return null
    let record = this.keys.get(id)
    if (!record && now - this.loadedAt > MISS_RELOAD_MS) {
      await this.reload()
      record = this.keys.get(id)
    }
    if (!record || record.revokedAt !== null || !keyMatches(record, key)) return null
    if (now - (record.lastUsedAt ?? 0) >= LAST_USED_PRECISION_MS) {
      record.lastUsedAt = now
      this.usedKeys.add(id)
    }
    return principalOfKey(record)
  }

  /** The principal of a user whose password matches, or null (about 50 ms: scrypt). */
  async authenticateUser(name: string, password: string): Promise<Principal | null> {
    const user = this.users.get(name)
    if (!user || user.disabledAt !== null) {
      // As long as a real check, so that timing does not tell which names exist.
      await passwordMatches(DUMMY_HASH, password)
      return null
    }
    return (await passwordMatches(user.passwordHash, password)) ? principalOfUser(user) : null
  }

  /** A signed-in session's principal now (null once the key is revoked or the user disabled). */
  principalOf(subject: { kind: 'key' | 'user'; id: string }): Principal | null {
    if (subject.kind === 'key') {
      const key = this.keys.get(subject.id)
      return key && key.revokedAt === null ? principalOfKey(key) : null
    }
    const user = this.users.get(subject.id)
    return user && user.disabledAt === null ? principalOfUser(user) : null
  }

  /** Makes a key: the key itself is in the answer only. */
  async createKey(options: { project?: string; role: Role; name?: string }) {
    const project = checkProjectName(options.project ?? DEFAULT_PROJECT)
    const created = newApiKey(project, options.role, options.name ?? '')
    await this.store.writeRecords(KEYS_TABLE, [created.record])
    this.keys.set(created.record.id, created.record)
    return created
  }

  /** Revokes a key (at once for this server); null when there is no such key. */
  async revokeKey(id: string, now = Date.now()): Promise<ApiKeyRecord | null> {
    await this.reload()
    const key = this.keys.get(id)
    if (!key) return null
    if (key.revokedAt === null) {
      const revoked = { ...key, revokedAt: now }
      await this.store.writeRecords(KEYS_TABLE, [revoked])
      this.keys.set(id, revoked)
      return revoked
    }
    return key
  }

  listKeys(): ApiKeyRecord[] {
    return [...this.keys.values()].sort((a, b) => a.createdAt - b.createdAt)
  }

  key(id: string): ApiKeyRecord | undefined {
    return this.keys.get(id)
  }

  async createUser(options: {
    name: string
    password: string
    role: UserRecord['role']
    projects: string[]
  }) {
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(options.name))
      throw new Error('a user name is 1–64 letters, digits, and . _ @ -')
    if (options.password.length < MIN_PASSWORD_LENGTH)
      throw new Error(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`)
    const projects = options.projects.length ? options.projects : [DEFAULT_PROJECT]
    for (const project of projects) if (project !== ALL_PROJECTS) checkProjectName(project)
    const user: UserRecord = {
      name: options.name,
      passwordHash: await hashPassword(options.password),
      role: options.role,
      projects,
      createdAt: Date.now(),
      disabledAt: null,
    }
    await this.store.writeRecords(USERS_TABLE, [user])
    this.users.set(user.name, user)
    return user
  }

  async disableUser(name: string, now = Date.now()): Promise<UserRecord | null> {
    await this.reload()
    const user = this.users.get(name)
    if (!user) return null
    const disabled = user.disabledAt === null ? { ...user, disabledAt: now } : user
    await this.store.writeRecords(USERS_TABLE, [disabled])
    this.users.set(name, disabled)
    return disabled
  }

  listUsers(): UserRecord[] {
    return [...this.users.values()].sort((a, b) => a.createdAt - b.createdAt)
  }

  /** The projects named by any key or user, and the default one. */
  projects(): string[] {
    const names = new Set([DEFAULT_PROJECT])
    for (const key of this.keys.values()) names.add(key.project)
    for (const user of this.users.values())
      for (const project of user.projects) if (project !== ALL_PROJECTS) names.add(project)
    return [...names].sort()
  }

  /** Writes the last-used times gathered since the previous write. */
  async flushUsage(): Promise<void> {
    const records = [...this.usedKeys].flatMap((id) => {
      const key = this.keys.get(id)
      return key ? [key] : []
    })
    this.usedKeys.clear()
    if (records.length) await this.store.writeRecords(KEYS_TABLE, records)
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    await this.flushUsage()
  }
}

/** A hash no password matches quickly, for checks of names that do not exist. */
const DUMMY_HASH = 'scrypt$32768$8$1$c3BlbmRsZW5zLWR1bW15$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
