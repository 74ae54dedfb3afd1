import { useState } from 'react'
import { useDashboard } from '../hooks/dashboard-context'
import { describeSpan } from '../lib/describe-range'
import { INVOICE_PRESETS, type InvoicePreset, invoiceDays } from '../lib/invoice-period'
import { addDays, dateLabel, startOfDateLabel } from '../lib/zoned-time'
import { CustomRangeForm } from './custom-range-form'
import { Segmented } from './segmented'

const OPTIONS: readonly { key: InvoicePreset | 'custom'; label: string }[] = [
  ...INVOICE_PRESETS,
  { key: 'custom', label: 'Custom' },
]

/**
 * The Invoice view's range in place of the time controls: whole UTC days (the providers' buckets),
 * month to date by default, or a custom first and last day. The time zone, bucket and filters of
 * the other views do not apply to an invoice, so they are not shown here.
 */
export function InvoicePeriodControls() {
  const { view, update, scope } = useDashboard()
  const days = invoiceDays(view.period, scope.now)
  const today = dateLabel(scope.now, 'UTC')
  const [customOpen, setCustomOpen] = useState(typeof view.period !== 'string')
  const [first, setFirst] = useState(days.first)
  const [last, setLast] = useState(days.last)

  const choose = (key: InvoicePreset | 'custom') => {
    if (key === 'custom') {
      setFirst(days.first)
      setLast(days.last)
      setCustomOpen(true)
      return
    }
    setCustomOpen(false)
    update({ period: key })
  }
  const apply = (from: string, to: string) => update({ period: { first: from, last: to } })

  return (
    <>
      <div className="time-controls">
        <Segmented
          label="Invoice period"
          options={OPTIONS}
          value={customOpen || typeof view.period !== 'string' ? 'custom' : view.period}
          onChange={choose}
          testIdPrefix="invoice-period-"
        />
        {customOpen ? (
          <CustomRangeForm
            first={first}
            last={last}
            max={today}
            onFirst={setFirst}
            onLast={setLast}
            onApply={apply}
            testId="invoice-custom-range"
            labelSuffix=" (UTC)"
          />
        ) : null}
      </div>
      <p className="range-caption">
        <span data-testid="invoice-range-caption">
          {describeSpan(
            { from: startOfDateLabel(days.first, 'UTC'), to: startOfDateLabel(addDays(days.last, 1), 'UTC') },
            'UTC',
          )}
        </span>
        <span className="muted">
          {' '}
          · UTC days, as the providers bucket their reports · a day counts once it is over
        </span>
      </p>
    </>
  )
}
