// Tooltips of every chart: ECharts renders them as HTML, so they share one frame, one way to read
// the hovered index and one escape for anything that came from events.

import type { ChartPalette } from './palette'

/** Tooltips are HTML: anything that came from events (customer ids, feature names) is escaped. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/** The tooltip frame in the theme's colours, kept inside the chart. */
export function tooltipBase(palette: ChartPalette, trigger: 'axis' | 'item') {
  return {
    trigger,
    ...(trigger === 'axis' ? { axisPointer: { type: 'shadow' } } : {}),
    backgroundColor: palette.tooltipBackground,
    borderColor: palette.tooltipBorder,
    textStyle: { color: palette.text, fontSize: 13 },
    confine: true,
  }
}

/** ECharts hands axis-tooltip formatters one entry per series; the first carries the index. */
export function firstDataIndex(params: unknown): number {
  const first = Array.isArray(params) ? params[0] : params
  const index = (first as { dataIndex?: unknown } | undefined)?.dataIndex
  return typeof index === 'number' ? index : -1
}

/** A series' colour swatch before its line in a tooltip. */
export function colorDot(color: string): string {
  return `<span style="display:inline-block;width:9px;height:9px;border-radius:2px;margin-right:6px;background:${color}"></span>`
}
