import { useEffect, useRef } from 'react'
import { echarts } from './echarts'

export type ChartOption = echarts.EChartsCoreOption

/** What ECharts reports about a clicked bar, slice or point. */
export interface ChartClick {
  name: string
  dataIndex: number
  seriesIndex: number
  seriesName: string
}

export interface ChartProps {
  option: ChartOption
  /** What the chart shows, for screen readers (the canvas itself says nothing). */
  label: string
  testId?: string
  className?: string
  /** Called when a bar, slice or point is clicked (a drill-down). */
  onItemClick?: (click: ChartClick) => void
  /** The id of an element (a table) holding the chart's figures as text. */
  describedBy?: string
  /**
   * `svg` for a small chart whose labels should be text in the page (tests measure them, the
   * browser renders them crisply); canvas, the default, for the large series.
   */
  renderer?: 'canvas' | 'svg'
  /** A height in CSS pixels, for a chart whose option is laid out for it (else the class's). */
  height?: number
}

/**
 * One ECharts instance per mounted chart: created once the page is laid out (the first resize
 * observation), updated with `setOption` whenever `option` changes, resized with its container when
 * its size changes, disposed on unmount. The first draw never animates: the figures show as soon
 * as they arrive. Updates merge into the live chart (series matched by id) instead of rebuilding it,
 * so a refresh animates (when the option says) from the old values to the new ones instead of
 * redrawing from zero: live mode does not flicker. The container carries `data-rendered="true"`
 * once ECharts has finished drawing the current option, so tests can wait for the drawing rather
 * than guess a delay.
 */
export function Chart({
  option,
  label,
  testId,
  className,
  onItemClick,
  describedBy,
  renderer = 'canvas',
  height,
}: ChartProps) {
  const containerRef = useRef<HTMLDivElement>(null)
  const chartRef = useRef<echarts.ECharts | undefined>(undefined)
  const clickRef = useRef(onItemClick)
  clickRef.current = onItemClick
  const optionRef = useRef(option)
  optionRef.current = option

  useEffect(() => {
    const container = containerRef.current
    if (!container) return
    container.dataset.rendered = 'false'
    let chart: echarts.ECharts | undefined
    const create = () => {
      const created = echarts.init(container, undefined, { renderer })
      created.on('finished', () => {
        container.dataset.rendered = 'true'
      })
      created.on('click', (params) => {
        const event = params as {
          name?: string
          dataIndex?: number
          seriesIndex?: number
          seriesName?: string
        }
        clickRef.current?.({
          name: String(event.name ?? ''),
          dataIndex: event.dataIndex ?? -1,
          seriesIndex: event.seriesIndex ?? -1,
          seriesName: String(event.seriesName ?? ''),
        })
      })
      // The first draw shows the figures at once; updates animate as their option says (live mode).
      created.setOption({ ...optionRef.current, animation: false }, { replaceMerge: ['series'] })
      return created
    }
    // Made at the observer's first call, which comes once the browser has laid the page out: ECharts
    // reads its container's size then without forcing a layout of its own (made during React's
    // commit, each chart forced one). Later calls resize it, only when its size really changed: a
    // resize redraws the whole chart.
    const made = () => {
      if (chart) return false
      chart = create()
      chartRef.current = chart
      return true
    }
    const observer = new ResizeObserver(([entry]) => {
      if (!entry || made() || !chart) return
      const { width, height } = entry.contentRect
      if (Math.round(width) !== chart.getWidth() || Math.round(height) !== chart.getHeight()) chart.resize()
    })
    observer.observe(container)
    // An observer says nothing at first about a box of no size: made two frames on all the same.
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(made)
    })
    return () => {
      cancelAnimationFrame(frame)
      observer.disconnect()
      chart?.dispose()
      chartRef.current = undefined
      delete container.dataset.rendered
    }
  }, [renderer])

  // A new renderer is a new instance (the effect above): it needs the option again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run for the new instance
  useEffect(() => {
    const container = containerRef.current
    const chart = chartRef.current
    // Not made yet: it draws the latest option when it is.
    if (!container || !chart) return
    // Set directly on the element (React does not own this attribute) so it flips back to "false"
    // in the same task as setOption, before 'finished' can fire for the new option.
    container.dataset.rendered = 'false'
    chart.setOption(option, { replaceMerge: ['series'] })
  }, [option, renderer])

  return (
    <div
      ref={containerRef}
      className={className}
      role="img"
      aria-label={label}
      aria-describedby={describedBy}
      data-testid={testId}
      data-clickable={onItemClick ? 'true' : undefined}
      style={height === undefined ? undefined : { height }}
    />
  )
}
