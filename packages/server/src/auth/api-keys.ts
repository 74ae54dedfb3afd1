import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { ApiKeyRecord, Role } from '../schema/keys-table.js'

/**
 * An API key: `sl_<id>_<secret>`. The id (48 bits, hex) names the key in lists and logs and finds
 * its record; the secret is 256 random bits. Only the SHA-256 of the whole key is stored: the key
 * is shown once, at creation.
 */
const KEY_FORMAT = /^sl_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/

export function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/** A new key for `project` and its record (the key itself is not in the record). */
export function newApiKey(
  project: string,
  role: Role,
  name: string,
  now = Date.now(),
): { key: string; record: ApiKeyRecord } {
  const id = randomBytes(6).toString('hex')
  const key = `sl_${id}_${randomBytes(32).toString('base64url')}`
  return {
    key,
    record: {
      id,
      project,
      role,
      name,
      secretHash: digest(key),
      createdAt: now,
      revokedAt: null,
      lastUsedAt: null,
    },
  }
}

/** The id of a well-formed key, or null. */
export function keyId(key: string): string | null {
  return KEY_FORMAT.exec(key)?.[1] ?? null
}

/** Whether `key` is the key `record` was made for (in constant time). */
export function keyMatches(record: ApiKeyRecord, key: string): boolean {
  const expected = Buffer.from(record.secretHash, 'hex')
  const actual = createHash('sha256').update(key).digest()
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}
