// Chart colours for the light and dark themes (the page's own colours are CSS variables in
// styles.css; a canvas cannot read those, so the two are kept in step by hand).

import { UNATTRIBUTED } from '@spendlens/server/api-types'

export interface ChartPalette {
  text: string
  mutedText: string
  gridLine: string
  /** The main series colour (single-series bars). */
  bar: string
  /** "Others" and "unattributed": the part that is not one named thing. */
  barMuted: string
  tooltipBackground: string
  tooltipBorder: string
  warning: string
  /** Colours of named series, in order. */
  series: readonly string[]
  /** Latency bands and their translucent fills. */
  good: string
  slow: string
  bad: string
  goodFill: string
  slowFill: string
  badFill: string
  /** Heat map from none to most. */
  heat: readonly [string, string, string]
  projection: string
  /** The shade over the buckets an anomaly covers (the key under the chart is styles.css's --anomaly-fill). */
  anomalyFill: string
}

export const LIGHT_PALETTE: ChartPalette = {
  text: '#1e293b',
  mutedText: '#64748b',
  gridLine: '#e2e8f0',
  bar: '#4f46e5',
  barMuted: '#94a3b8',
  tooltipBackground: '#ffffff',
  tooltipBorder: '#cbd5e1',
  warning: '#b45309',
  series: ['#4f46e5', '#0891b2', '#d97706', '#db2777', '#059669', '#7c3aed', '#dc2626', '#65a30d', '#0369a1'],
  good: '#15803d',
  slow: '#b45309',
  bad: '#b91c1c',
  goodFill: 'rgba(22, 163, 74, 0.10)',
  slowFill: 'rgba(217, 119, 6, 0.12)',
  badFill: 'rgba(220, 38, 38, 0.08)',
  heat: ['#f1f5f9', '#a5b4fc', '#3730a3'],
  projection: '#94a3b8',
  anomalyFill: 'rgba(220, 38, 38, 0.13)',
}

export const DARK_PALETTE: ChartPalette = {
  text: '#e2e8f0',
  mutedText: '#94a3b8',
  gridLine: '#334155',
  bar: '#818cf8',
  barMuted: '#64748b',
  tooltipBackground: '#1e293b',
  tooltipBorder: '#475569',
  warning: '#fbbf24',
  series: ['#818cf8', '#22d3ee', '#fbbf24', '#f472b6', '#34d399', '#a78bfa', '#f87171', '#a3e635', '#38bdf8'],
  good: '#4ade80',
  slow: '#fbbf24',
  bad: '#f87171',
  goodFill: 'rgba(74, 222, 128, 0.10)',
  slowFill: 'rgba(251, 191, 36, 0.12)',
  badFill: 'rgba(248, 113, 113, 0.10)',
  heat: ['#1e293b', '#4f46e5', '#c7d2fe'],
  projection: '#64748b',
  anomalyFill: 'rgba(248, 113, 113, 0.3)',
}

/** The colour of the n-th named series; "Others" and "unattributed" get the muted one. */
export function seriesColor(palette: ChartPalette, index: number, name: string): string {
  if (name === 'Others' || name === UNATTRIBUTED) return palette.barMuted
  return palette.series[index % palette.series.length] as string
}
