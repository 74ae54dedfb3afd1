import { describe, expect, it } from 'vitest'
import {
  formatChange,
  formatCompact,
  formatCoverage,
  formatDayLabel,
  formatInteger,
  formatLatency,
  formatPercent,
  formatShare,
  formatTimestamp,
  formatUsd,
  formatUsdPrecise,
  formatUsdShort,
  latencyBand,
} from './format'

describe('formatUsd', () => {
  it('shows totals with thousands separators and cents', () => {
    expect(formatUsd(1234.567891234)).toBe('$1,234.57')
    expect(formatUsd(1_234_567.891)).toBe('$1,234,567.89')
    expect(formatUsd(1)).toBe('$1.00')
  })

  it('keeps two significant digits of amounts below a dollar', () => {
    expect(formatUsd(0.00013)).toBe('$0.00013')
    expect(formatUsd(0.000123456)).toBe('$0.00012')
    expect(formatUsd(0.0123)).toBe('$0.012')
    expect(formatUsd(0.5)).toBe('$0.50')
    expect(formatUsd(0.05)).toBe('$0.05')
    expect(formatUsd(0.01)).toBe('$0.01')
  })

  it('never shows a non-zero cost as $0.00', () => {
    for (const value of [0.004, 0.0004, 0.00004, 0.000004]) {
      expect(formatUsd(value)).not.toBe('$0.00')
      expect(formatUsd(value)).toMatch(/[1-9]/)
    }
  })

  it('marks amounts below a millionth of a dollar instead of printing zeros', () => {
    expect(formatUsd(0.0000003)).toBe('<$0.000001')
  })

  it('shows zero as $0.00', () => {
    expect(formatUsd(0)).toBe('$0.00')
  })

  it('shows an unknown cost as a dash, not as zero', () => {
    expect(formatUsd(null)).toBe('—')
    expect(formatUsd(undefined)).toBe('—')
    expect(formatUsd(Number.NaN)).toBe('—')
  })

  it('keeps the sign of negative amounts (credits)', () => {
    expect(formatUsd(-12.5)).toBe('-$12.50')
    expect(formatUsd(-0.00013)).toBe('-$0.00013')
  })
})

describe('formatUsdShort', () => {
  it('abbreviates axis values', () => {
    expect(formatUsdShort(0)).toBe('$0')
    expect(formatUsdShort(20)).toBe('$20')
    expect(formatUsdShort(1.5)).toBe('$1.5')
    expect(formatUsdShort(0.5)).toBe('$0.5')
    expect(formatUsdShort(0.0002)).toBe('$0.0002')
    expect(formatUsdShort(1200)).toBe('$1.2K')
    expect(formatUsdShort(3_400_000)).toBe('$3.4M')
  })
})

describe('formatCompact', () => {
  it('shows small counts exactly', () => {
    expect(formatCompact(0)).toBe('0')
    expect(formatCompact(850)).toBe('850')
  })

  it('abbreviates large counts', () => {
    expect(formatCompact(1234)).toBe('1.2K')
    expect(formatCompact(1_200_000)).toBe('1.2M')
    expect(formatCompact(125_802_467)).toBe('125.8M')
    expect(formatCompact(3_400_000_000)).toBe('3.4B')
  })

  it('shows an unknown count as a dash', () => {
    expect(formatCompact(null)).toBe('—')
  })
})

describe('formatInteger', () => {
  it('rounds and groups thousands', () => {
    expect(formatInteger(61234)).toBe('61,234')
    expect(formatInteger(2054.4)).toBe('2,054')
    expect(formatInteger(null)).toBe('—')
  })
})

describe('formatLatency', () => {
  it('shows milliseconds below a second', () => {
    expect(formatLatency(850)).toBe('850 ms')
    expect(formatLatency(0.4)).toBe('0 ms')
  })

  it('shows seconds with one decimal from a second up', () => {
    expect(formatLatency(1234.5)).toBe('1.2 s')
    expect(formatLatency(1900)).toBe('1.9 s')
    expect(formatLatency(999.6)).toBe('1.0 s')
  })

  it('shows minutes from a minute up', () => {
    expect(formatLatency(90_000)).toBe('1.5 min')
  })

  it('shows an unknown latency (no requests) as a dash', () => {
    expect(formatLatency(null)).toBe('—')
  })
})

describe('formatDayLabel', () => {
  it('formats a server day label without shifting it by the time zone', () => {
    expect(formatDayLabel('2026-11-03')).toBe('Nov 3')
    expect(formatDayLabel('2026-11-03', 'long')).toBe('Tue, Nov 3, 2026')
  })

  it('returns labels it cannot parse unchanged', () => {
    expect(formatDayLabel('week 3')).toBe('week 3')
  })
})

describe('formatShare', () => {
  it('shows a part of a whole as a percentage', () => {
    expect(formatShare(34, 100)).toBe('34%')
    expect(formatShare(1, 250)).toBe('0.4%')
    expect(formatShare(1, 10_000)).toBe('<0.1%')
    expect(formatShare(1, 0)).toBe('—')
  })
})

describe('formatUsdPrecise', () => {
  it('shows a call cost to at least 8 decimals', () => {
    expect(formatUsdPrecise(0.00013)).toBe('$0.00013000')
    expect(formatUsdPrecise(0.000123456)).toBe('$0.000123456')
    expect(formatUsdPrecise(0.000000123)).toBe('$0.000000123')
    expect(formatUsdPrecise(1234.5)).toBe('$1,234.50000000')
    expect(formatUsdPrecise(0)).toBe('$0.00000000')
    expect(formatUsdPrecise(null)).toBe('—')
  })
})

describe('formatCoverage', () => {
  it('keeps a tenth of a percent, as the reconciliation says it, above 100% too', () => {
    expect(formatCoverage(0.97104)).toBe('97.1%')
    expect(formatCoverage(1)).toBe('100.0%')
    expect(formatCoverage(1.1236)).toBe('112.4%')
  })

  it('has no figure when nothing was invoiced', () => {
    expect(formatCoverage(null)).toBe('—')
  })
})

describe('formatPercent', () => {
  it('keeps small rates visible and large ones short', () => {
    expect(formatPercent(0.34)).toBe('34%')
    expect(formatPercent(0.012)).toBe('1.2%')
    expect(formatPercent(0.0005)).toBe('0.05%')
    expect(formatPercent(0.00001)).toBe('<0.01%')
    expect(formatPercent(0)).toBe('0%')
    expect(formatPercent(null)).toBe('—')
  })
})

describe('formatChange', () => {
  it('signs the change', () => {
    expect(formatChange(0.123)).toBe('+12%')
    expect(formatChange(-0.034)).toBe('−3.4%')
    expect(formatChange(0.0001)).toBe('0%')
    expect(formatChange(24.5)).toBe('+2,450%')
  })
})

describe('latencyBand', () => {
  it('is good below 1.5 s, slow up to 3 s, bad above', () => {
    expect(latencyBand(1499)).toBe('good')
    expect(latencyBand(1500)).toBe('slow')
    expect(latencyBand(3000)).toBe('slow')
    expect(latencyBand(3001)).toBe('bad')
    expect(latencyBand(null)).toBeUndefined()
  })
})

describe('formatTimestamp', () => {
  it('shows the moment in the chosen zone', () => {
    expect(formatTimestamp('2026-11-22T23:30:05.000Z', 'UTC')).toBe('Nov 22, 23:30:05')
    expect(formatTimestamp('2026-11-22T23:30:05.000Z', 'Asia/Tokyo')).toBe('Nov 23, 08:30:05')
  })
})
