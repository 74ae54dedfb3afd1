// A page's first chart draws cold: V8 compiles ECharts' functions (and the browser sets up canvas and
// text measuring) as they first run. In a page load that made a view's first draws 5–15× a warm
// draw (bench/chart-draw.mjs: a ranked bar chart 149 ms cold, 10 ms warm, medians on the loaded
// development machine), and they came right after the view's answers, in the time users wait for
// the charts. This draws the charts' kinds once, off screen, while the page waits for its first
// answers (the main thread is idle then), so the answers draw warm.

import { LIGHT_PALETTE } from '../charts/palette'
import { rankedBarsOption } from '../charts/ranked-bars'
import { rankedStackOption } from '../charts/ranked-stack'
import { scatterOption } from '../charts/scatter'
import { echarts } from './echarts'

let started = false

const format = (value: number | null | undefined) => String(value ?? '—')

/** The options drawn: the ranked bars, the stack with its legend, the scatter on log axes. */
function warmUpOptions() {
  const theme = { palette: LIGHT_PALETTE, animate: false, narrow: false }
  const names = ['a', 'b', 'c']
  return [
    rankedBarsOption(
      {
        rows: names.map((name, index) => ({ name, value: 3 - index, muted: index === 2 })),
        format,
        axisFormat: format,
      },
      theme,
    ),
    rankedStackOption(
      {
        names,
        series: [
          { name: 'one', values: [3, 2, 1] },
          { name: 'two', values: [1, 1, 1] },
        ],
        format,
        axisFormat: format,
      },
      theme,
    ),
    scatterOption(
      {
        points: names.map((name, index) => ({ name, x: 10 ** index, y: 10 ** index, size: index + 1 })),
        xName: 'x',
        yName: 'y',
        xFormat: format,
        yFormat: format,
        sizeName: 'size',
        sizeFormat: format,
      },
      theme,
    ),
  ]
}

/** Draws `option` into a hidden box out of the page's flow, painted, then removes it. */
function drawOffScreen(option: object) {
  const box = document.createElement('div')
  box.setAttribute('aria-hidden', 'true')
  box.style.cssText =
    'position: fixed; left: -10000px; top: 0; width: 480px; height: 320px; visibility: hidden'
  document.body.append(box)
  const chart = echarts.init(box, undefined, { renderer: 'canvas' })
  try {
    chart.setOption({ ...option, animation: false })
    chart.getZr().flush()
  } finally {
    chart.dispose()
    box.remove()
  }
}

/** The whole warm-up at once (bench/chart-draw.mjs times it). */
export function drawWarmUp() {
  for (const option of warmUpOptions()) drawOffScreen(option)
}

/**
 * Once per page, at the browser's idle moments: one chart kind per idle callback (short tasks, so an
 * answer arriving meanwhile waits for one kind at most), each skipped once a chart is on the page
 * (its answers came first: the code warms in that draw).
 */
export function warmUpCharts() {
  if (started || typeof window.requestIdleCallback !== 'function') return
  started = true
  const next = (options: object[]) => {
    const [option, ...rest] = options
    if (!option) return
    window.requestIdleCallback(
      () => {
        if (document.querySelector('[data-rendered]') !== null) return
        drawOffScreen(option)
        next(rest)
      },
      { timeout: 1000 },
    )
  }
  next(warmUpOptions())
}
