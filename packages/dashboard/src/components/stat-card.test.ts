import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { formatLatency, formatUsd } from '../lib/format'
import { StatCard, type StatCardProps } from './stat-card'

function render(props: Partial<StatCardProps>): string {
  return renderToStaticMarkup(
    createElement(StatCard, {
      label: 'Total cost',
      testId: 'stat-total-cost',
      value: 112,
      format: formatUsd,
      loading: false,
      ...props,
    }),
  )
}

describe('StatCard', () => {
  it('shows the figure with its raw value for tests and tools', () => {
    const html = render({})
    expect(html).toContain('data-value="112"')
    expect(html).toContain('$112.00')
  })

  it('says a rise in cost is bad news and a rise in requests is neither', () => {
    expect(render({ previous: 100, compareLabel: 'vs previous 7 days', rise: 'bad' })).toContain(
      'class="stat-change tone-bad"',
    )
    expect(render({ previous: 100, compareLabel: 'vs previous 7 days', rise: 'neutral' })).toContain(
      'class="stat-change tone-neutral"',
    )
    expect(render({ value: 80, previous: 100, compareLabel: 'vs previous 7 days', rise: 'bad' })).toContain(
      'tone-good',
    )
  })

  it('writes the change and what it is against', () => {
    const html = render({ previous: 100, compareLabel: 'vs previous 7 days', rise: 'bad' })
    expect(html).toContain('+12%')
    expect(html).toContain('vs previous 7 days')
  })

  it('shows no change when there is no previous period (All)', () => {
    expect(render({ previous: undefined, compareLabel: undefined })).not.toContain('stat-change')
  })

  it('names the latency band in words as well as colour', () => {
    const html = render({ label: 'Avg latency', value: 3200, format: formatLatency, band: 'bad' })
    expect(html).toContain('band-bad')
    expect(html).toContain('very slow (over 3 s)')
  })

  it('says Loading while it has no figure yet', () => {
    expect(render({ value: undefined, loading: true })).toContain('Loading…')
  })
})
