import { BarChart, HeatmapChart, LineChart, PieChart, ScatterChart } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useRef } from 'react'

// Only the pieces the dashboard draws: keeps the bundle a fraction of the full `echarts` import.
echarts.use([
  BarChart,
  LineChart,
  PieChart,
  ScatterChart,
  HeatmapChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  VisualMapComponent,
  MarkAreaComponent,
  MarkLineComponent,
  CanvasRenderer,
])

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
}

/**
 * One ECharts instance per mounted chart: created once, updated with `setOption` whenever `option`
 * changes, resized with its container (when its size changes), disposed on unmount. The first
 * draw never animates: the figures show as soon as they arrive. Updates merge into the live chart
 * (series matched by id) instead of rebuilding it, so a refresh animates (when the option says)
 * from the old values to the new ones instead of redrawing from zero: live mode does not flicker. The container carries
 * `data-rendered="true"` once ECharts has finished drawing the current option, so tests can wait
 * for the drawing rather than guess a delay.
 */
export function Chart({ option, label, testId, className, onItemClick, describedBy }: ChartProps) {
  const containerRef = useRef<HTMLDivElement>(null)
  const chartRef = useRef<echarts.ECharts | undefined>(undefined)
  const clickRef = useRef(onItemClick)
  clickRef.current = onItemClick
  const drawnRef = useRef(false)

  useEffect(() => {
    const container = containerRef.current
    if (!container) return
    const chart = echarts.init(container, undefined, { renderer: 'canvas' })
    chart.on('finished', () => {
      container.dataset.rendered = 'true'
    })
    chart.on('click', (params) => {
      const event = params as { name?: string; dataIndex?: number; seriesIndex?: number; seriesName?: string }
      clickRef.current?.({
        name: String(event.name ?? ''),
        dataIndex: event.dataIndex ?? -1,
        seriesIndex: event.seriesIndex ?? -1,
        seriesName: String(event.seriesName ?? ''),
      })
    })
    // A resize redraws the whole chart: only when the size really changed. The observer's first
    // call (when it starts observing) reports the size the chart was just created at.
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return
      const { width, height } = entry.contentRect
      if (Math.round(width) !== chart.getWidth() || Math.round(height) !== chart.getHeight()) chart.resize()
    })
    observer.observe(container)
    chartRef.current = chart
    return () => {
      observer.disconnect()
      chart.dispose()
      chartRef.current = undefined
      drawnRef.current = false
      delete container.dataset.rendered
    }
  }, [])

  useEffect(() => {
    const container = containerRef.current
    const chart = chartRef.current
    if (!container || !chart) return
    // Set directly on the element (React does not own this attribute) so it flips back to "false"
    // in the same task as setOption, before 'finished' can fire for the new option.
    container.dataset.rendered = 'false'
    // The first draw shows the figures at once; updates animate as the option says (live mode).
    const first = !drawnRef.current
    drawnRef.current = true
    chart.setOption(first ? { ...option, animation: false } : option, { replaceMerge: ['series'] })
  }, [option])

  return (
    <div
      ref={containerRef}
      className={className}
      role="img"
      aria-label={label}
      aria-describedby={describedBy}
      data-testid={testId}
      data-clickable={onItemClick ? 'true' : undefined}
    />
  )
}
