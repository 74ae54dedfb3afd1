/**
 * A 52-bit hash of an event_id: exact in a double, so it travels to DuckDB (as `id_hash BIGINT`)
 * and back without BigInt. Two independent 32-bit FNV-1a passes over the UTF-16 code units, each
 * finished with murmur3's avalanche. Stored in the events table, so changing it needs a migration
 * that recomputes the column.
 */
export function hashEventId(eventId: string): number {
  let high = 0x811c9dc5
  let low = 0x9747b28c
  for (let index = 0; index < eventId.length; index++) {
    const code = eventId.charCodeAt(index)
    high = Math.imul(high ^ code, 0x01000193)
    low = Math.imul(low ^ code, 0x5bd1e995)
    low ^= low >>> 15
  }
  high ^= high >>> 16
  high = Math.imul(high, 0x85ebca6b)
  high ^= high >>> 13
  high = Math.imul(high, 0xc2b2ae35)
  high ^= high >>> 16
  low ^= low >>> 16
  low = Math.imul(low, 0x85ebca6b)
  low ^= low >>> 13
  low = Math.imul(low, 0xc2b2ae35)
  low ^= low >>> 16
  return (high >>> 0) * 0x100000 + (low >>> 12)
}
