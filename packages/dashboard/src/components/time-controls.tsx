import type { Bucket } from '@spendlens/server/api-types'
import { useMemo, useState } from 'react'
import { useDashboard } from '../hooks/dashboard-context'
import { BUCKET_CHOICES, type BucketChoice, bucketFits } from '../lib/buckets'
import { PRESETS, type Preset } from '../lib/time-range'
import { addDays, browserTimeZone, dateLabel, knownTimeZones } from '../lib/zoned-time'
import { CustomRangeForm } from './custom-range-form'

const BUCKET_LABELS: Record<BucketChoice, string> = {
  auto: 'Auto',
  minute: 'Minute',
  hour: 'Hour',
  day: 'Day',
  week: 'Week',
  month: 'Month',
}

/** Presets and a custom range, the time zone, and the granularity of time charts. */
export function TimeControls() {
  const { view, update, setView, scope } = useDashboard()
  const [customOpen, setCustomOpen] = useState(view.preset === 'custom')
  const today = dateLabel(scope.now, scope.timeZone)
  const currentFirst = scope.span ? dateLabel(scope.span.from, scope.timeZone) : today
  const currentLast = scope.span ? addDays(dateLabel(scope.span.to, scope.timeZone), -1) : today
  const [first, setFirst] = useState(view.first ?? currentFirst)
  const [last, setLast] = useState(view.last ?? currentLast)
  const zones = useMemo(() => {
    const all = knownTimeZones()
    const browser = browserTimeZone()
    return all.includes(browser) ? all : [browser, ...all]
  }, [])

  const choosePreset = (preset: Preset) => {
    if (preset === 'custom') {
      setFirst(currentFirst)
      setLast(currentLast)
      setCustomOpen(true)
      return
    }
    setCustomOpen(false)
    setView({ ...view, preset, first: undefined, last: undefined })
  }

  const applyCustom = (from: string, to: string) =>
    setView({ ...view, preset: 'custom', first: from, last: to })

  return (
    <div className="time-controls">
      <fieldset className="segmented" aria-label="Time range">
        {PRESETS.map((preset) => (
          <button
            key={preset.key}
            type="button"
            aria-pressed={view.preset === preset.key && !customOpen}
            data-testid={`preset-${preset.key}`}
            onClick={() => choosePreset(preset.key)}
          >
            {preset.label}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={view.preset === 'custom' || customOpen}
          aria-expanded={customOpen}
          data-testid="preset-custom"
          onClick={() => choosePreset('custom')}
        >
          Custom
        </button>
      </fieldset>
      {customOpen ? (
        <CustomRangeForm
          first={first}
          last={last}
          max={today}
          onFirst={setFirst}
          onLast={setLast}
          onApply={applyCustom}
          testId="custom-range"
        />
      ) : null}
      <label className="field-inline">
        <span>Time zone</span>
        <select
          value={scope.timeZone}
          onChange={(event) => update({ timeZone: event.target.value })}
          data-testid="time-zone"
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      </label>
      <label className="field-inline">
        <span>Per</span>
        <select
          value={view.bucket}
          onChange={(event) => update({ bucket: event.target.value as BucketChoice })}
          data-testid="bucket"
        >
          {BUCKET_CHOICES.map((choice) => (
            <option
              key={choice}
              value={choice}
              disabled={choice !== 'auto' && !bucketFits(scope.span, choice as Bucket, scope.timeZone)}
            >
              {choice === 'auto' ? `Auto (${scope.bucket})` : BUCKET_LABELS[choice]}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}
