// A stat card's change against the previous period of equal length.

import { formatChange } from './format'

export type ChangeDirection = 'up' | 'down' | 'flat'

export interface PeriodChange {
  /** Relative change (0.12 = +12%); undefined when there is nothing to compare with. */
  ratio: number | undefined
  direction: ChangeDirection
  /** "+12%", "−3%", "0%", or "new" when the previous period had none. */
  text: string
}

/**
 * How `current` compares with `previous`. Unknown on either side (null: no data, or a cost that
 * is unknown) gives no comparison rather than a made-up one; from zero to something is "new".
 */
export function comparePeriods(
  current: number | null | undefined,
  previous: number | null | undefined,
): PeriodChange | undefined {
  if (typeof current !== 'number' || typeof previous !== 'number') return undefined
  if (!Number.isFinite(current) || !Number.isFinite(previous)) return undefined
  if (previous === 0) {
    if (current === 0) return { ratio: 0, direction: 'flat', text: '0%' }
    return { ratio: undefined, direction: current > 0 ? 'up' : 'down', text: 'new' }
  }
  const ratio = (current - previous) / Math.abs(previous)
  const text = formatChange(ratio)
  const direction: ChangeDirection = text === '0%' ? 'flat' : ratio > 0 ? 'up' : 'down'
  return { ratio, direction, text }
}
