import type { FormEvent } from 'react'

interface CustomRangeFormProps {
  first: string
  last: string
  /** The last day one may pick (today). */
  max: string
  onFirst: (day: string) => void
  onLast: (day: string) => void
  /** Told the two days in order, whichever way round they were picked. */
  onApply: (first: string, last: string) => void
  testId: string
  /** After "From" and "To", e.g. ` (UTC)` where the days are not the viewer's. */
  labelSuffix?: string
}

/** Two days, first and last, and Apply: the custom range of the time controls and the Invoice view. */
export function CustomRangeForm(props: CustomRangeFormProps) {
  const apply = (event: FormEvent) => {
    event.preventDefault()
    if (!props.first || !props.last) return
    if (props.first <= props.last) props.onApply(props.first, props.last)
    else props.onApply(props.last, props.first)
  }
  const suffix = props.labelSuffix ?? ''
  return (
    <form className="custom-range" onSubmit={apply} data-testid={props.testId}>
      <label className="field-inline">
        <span>From{suffix}</span>
        <input
          type="date"
          value={props.first}
          max={props.max}
          onChange={(event) => props.onFirst(event.target.value)}
          required
        />
      </label>
      <label className="field-inline">
        <span>To{suffix}</span>
        <input
          type="date"
          value={props.last}
          max={props.max}
          onChange={(event) => props.onLast(event.target.value)}
          required
        />
      </label>
      <button type="submit" className="button button-small">
        Apply
      </button>
    </form>
  )
}
