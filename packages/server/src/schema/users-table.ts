import type { Role } from './keys-table.js'
import { asNumber, asText, recordColumn, recordTable } from './record-table.js'

/** Every project, in a user's project list. */
export const ALL_PROJECTS = '*'

/**
 * A dashboard user: signs in with a name and password (auth/passwords.ts keeps a slow, salted
 * scrypt hash, never the password). A user reads (or administers) the projects it lists.
 */
export interface UserRecord {
  name: string
  passwordHash: string
  role: Exclude<Role, 'ingest'>
  /** Project names, or [`*`] for every project. */
  projects: string[]
  createdAt: number
  disabledAt: number | null
}

export const USERS_TABLE = recordTable<UserRecord>(
  'spendlens_users',
  'name',
  [
    recordColumn.text('name', (user) => user.name),
    recordColumn.text('password_hash', (user) => user.passwordHash),
    recordColumn.text('role', (user) => user.role, 'low'),
    recordColumn.text('projects', (user) => user.projects.join(',')),
    recordColumn.time('created_at', (user) => user.createdAt, false),
    recordColumn.time('disabled_at', (user) => user.disabledAt),
  ],
  (row) => ({
    name: asText(row.name),
    passwordHash: asText(row.password_hash),
    role: asText(row.role) as UserRecord['role'],
    projects: asText(row.projects).split(',').filter(Boolean),
    createdAt: asNumber(row.created_at) ?? 0,
    disabledAt: asNumber(row.disabled_at),
  }),
)
