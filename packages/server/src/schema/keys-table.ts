import type { Role } from '../api/api-types.js'
import { asNumber, asText, recordColumn, recordTable } from './record-table.js'

export type { Role }

/** What a key may do (auth/access.ts). */
export const ROLES = ['ingest', 'read', 'admin'] as const satisfies readonly Role[]

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value)

/**
 * An API key as stored: never the key itself, only its SHA-256 (auth/api-keys.ts). A key is 256
 * random bits, so a fast digest is enough: nobody can search that space, and checking a key costs
 * a microsecond.
 */
export interface ApiKeyRecord {
  /** The key's public part (`sl_<id>_…`), shown in lists and logs. */
  id: string
  project: string
  role: Role
  /** A label its creator chose (where the key is used). */
  name: string
  /** Hex SHA-256 of the whole key. */
  secretHash: string
  createdAt: number
  revokedAt: number | null
  /** Kept to the minute (auth/credentials.ts writes it back at most once a minute per key). */
  lastUsedAt: number | null
}

export const KEYS_TABLE = recordTable<ApiKeyRecord>(
  'spendlens_keys',
  'id',
  [
    recordColumn.text('id', (key) => key.id),
    recordColumn.text('project', (key) => key.project, 'low'),
    recordColumn.text('role', (key) => key.role, 'low'),
    recordColumn.text('name', (key) => key.name),
    recordColumn.text('secret_hash', (key) => key.secretHash),
    recordColumn.time('created_at', (key) => key.createdAt, false),
    recordColumn.time('revoked_at', (key) => key.revokedAt),
    recordColumn.time('last_used_at', (key) => key.lastUsedAt),
  ],
  (row) => ({
    id: asText(row.id),
    project: asText(row.project),
    role: asText(row.role) as Role,
    name: asText(row.name),
    secretHash: asText(row.secret_hash),
    createdAt: asNumber(row.created_at) ?? 0,
    revokedAt: asNumber(row.revoked_at),
    lastUsedAt: asNumber(row.last_used_at),
  }),
)
