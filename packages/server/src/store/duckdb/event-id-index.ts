const HIGH_BITS = 0x100000

/**
 * The set of event_id hashes the store holds, in memory: an open-addressing table of doubles,
 * 8 bytes a slot at most 70% full (about 13 bytes per stored event, 134 MB for ten million).
 *
 * It answers "certainly new" for almost every fresh event without touching the database, which is
 * what lets the events table do without a primary-key index (the index cost about 145 bytes per
 * event on disk and made each insert slower as the table grew). A hit only says "maybe stored":
 * the store then looks the id up for real. Deleted events stay in the set; their ids cost one
 * lookup if they ever come back.
 */
export class EventIdIndex {
  private slots: Float64Array
  private mask: number
  private count = 0

  constructor(expected = 0) {
    let capacity = 1024
    while (capacity * 0.7 < expected) capacity *= 2
    this.slots = new Float64Array(capacity)
    this.mask = capacity - 1
  }

  get size(): number {
    return this.count
  }

  has(hash: number): boolean {
    // Slot values are hash + 1, so 0 marks an empty slot.
    const stored = hash + 1
    let slot = Math.floor(hash / HIGH_BITS) & this.mask
    for (;;) {
      const value = this.slots[slot] as number
      if (value === 0) return false
      if (value === stored) return true
      slot = (slot + 1) & this.mask
    }
  }

  add(hash: number): void {
    if (this.count + 1 > this.slots.length * 0.7) this.grow()
    if (this.insert(this.slots, this.mask, hash + 1)) this.count++
  }

  private insert(slots: Float64Array, mask: number, stored: number): boolean {
    let slot = Math.floor((stored - 1) / HIGH_BITS) & mask
    for (;;) {
      const value = slots[slot] as number
      if (value === 0) {
        slots[slot] = stored
        return true
      }
      if (value === stored) return false
      slot = (slot + 1) & mask
    }
  }

  private grow() {
    const slots = new Float64Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (const value of this.slots) if (value !== 0) this.insert(slots, mask, value)
    this.slots = slots
    this.mask = mask
  }
}
