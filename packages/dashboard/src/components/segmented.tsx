export interface SegmentedProps<Key extends string> {
  label: string
  options: readonly { key: Key; label: string }[]
  value: Key
  onChange: (key: Key) => void
  testIdPrefix?: string
  small?: boolean
}

/** A row of toggle buttons, one pressed: presets, dimension switches. */
export function Segmented<Key extends string>({
  label,
  options,
  value,
  onChange,
  testIdPrefix,
  small,
}: SegmentedProps<Key>) {
  return (
    <fieldset className={small ? 'segmented segmented-small' : 'segmented'} aria-label={label}>
      {options.map((option) => (
        <button
          key={option.key}
          type="button"
          aria-pressed={value === option.key}
          data-testid={testIdPrefix ? `${testIdPrefix}${option.key}` : undefined}
          onClick={() => onChange(option.key)}
        >
          {option.label}
        </button>
      ))}
    </fieldset>
  )
}
