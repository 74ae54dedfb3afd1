/** A provider count as a number, or null when absent or not a finite number (unknown is not zero). */
export function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/** Sum of counts where at least one is known; null when all are unknown. */
export function sumKnown(...values: (number | null)[]): number | null {
  let total: number | null = null
  for (const value of values) if (value !== null) total = (total ?? 0) + value
  return total
}

/** Reads a nested property of an untyped provider object without throwing. */
export function field(object: unknown, ...path: string[]): unknown {
  let current = object
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}
