import { describe, expect, it } from 'vitest'
import { ContainerMemory } from './container-memory.js'

const MINUTE = 60_000

describe('ContainerMemory', () => {
  it('counts a container once while it is in use, and again only after 20 idle minutes', () => {
    const memory = new ContainerMemory()
    const t0 = Date.UTC(2026, 11, 8, 23, 50)
    expect(memory.sighted('cntr_a', t0)).toBe(true)
    // Each use keeps it alive: 19 minutes later, then 19 minutes after that (38 after the first).
    expect(memory.sighted('cntr_a', t0 + 19 * MINUTE)).toBe(false)
    expect(memory.sighted('cntr_a', t0 + 38 * MINUTE)).toBe(false)
    // Idle for more than 20 minutes: OpenAI has expired it, so a sighting is a new container.
    expect(memory.sighted('cntr_a', t0 + 58 * MINUTE + 1)).toBe(true)
  })

  it('forgets expired containers and, past its limit, the one idle longest', () => {
    const memory = new ContainerMemory(20 * MINUTE, 2)
    const t0 = 1_000_000
    memory.sighted('cntr_a', t0)
    memory.sighted('cntr_b', t0 + 1)
    memory.sighted('cntr_a', t0 + 2) // a is now the most recent
    memory.sighted('cntr_c', t0 + 3) // over the limit: b, idle longest, goes
    expect(memory.size).toBe(2)
    expect(memory.sighted('cntr_a', t0 + 4)).toBe(false)
    expect(memory.sighted('cntr_b', t0 + 5)).toBe(true)
    // Every entry idle past 20 minutes is dropped on the next sighting.
    memory.sighted('cntr_d', t0 + 21 * MINUTE)
    expect(memory.size).toBe(1)
  })
})
