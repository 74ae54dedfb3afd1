import { BarChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useRef } from 'react'

// Only the pieces the dashboard draws: keeps the bundle a fraction of the full `echarts` import.
echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer])

export type ChartOption = echarts.EChartsCoreOption

export interface ChartProps {
  option: ChartOption
  /** What the chart shows, for screen readers (the canvas itself says nothing). */
  label: string
  testId?: string
  className?: string
}

/**
 * One ECharts instance per mounted chart: created once, fed with `setOption` whenever `option`
 * changes, resized with its container, disposed on unmount. The container carries
 * `data-rendered="true"` once ECharts has finished drawing the current option, so tests (and
 * anything else) can wait for the drawing rather than guess a delay.
 */
export function Chart({ option, label, testId, className }: ChartProps) {
  const containerRef = useRef<HTMLDivElement>(null)
  const chartRef = useRef<echarts.ECharts | undefined>(undefined)

  useEffect(() => {
    const container = containerRef.current
    if (!container) return
    const chart = echarts.init(container, undefined, { renderer: 'canvas' })
    chart.on('finished', () => {
      container.dataset.rendered = 'true'
    })
    const observer = new ResizeObserver(() => chart.resize())
    observer.observe(container)
    chartRef.current = chart
    return () => {
      observer.disconnect()
      chart.dispose()
      chartRef.current = undefined
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
    chart.setOption(option, { notMerge: true })
  }, [option])

  return <div ref={containerRef} className={className} role="img" aria-label={label} data-testid={testId} />
}
