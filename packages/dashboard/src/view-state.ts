// The view (time preset, breakdown dimension) lives in the URL query string, so a copied link
// reproduces what its sender saw. Unknown or missing values fall back to the defaults.

export const PRESETS = [
  { key: 'today', label: 'Today' },
  { key: '7d', label: '7 days' },
  { key: '30d', label: '30 days' },
  { key: 'all', label: 'All' },
] as const

export type Preset = (typeof PRESETS)[number]['key']

/** The breakdown switch: URL key, button label and the server's `dimension` parameter. */
export const BREAKDOWNS = [
  { key: 'feature', label: 'Feature', dimension: 'feature' },
  { key: 'customer', label: 'Customer', dimension: 'customer_id' },
  { key: 'model', label: 'Model', dimension: 'model' },
] as const

export type Breakdown = (typeof BREAKDOWNS)[number]['key']

export interface ViewState {
  preset: Preset
  breakdown: Breakdown
}

export const DEFAULT_VIEW: ViewState = { preset: '30d', breakdown: 'feature' }

const PRESET_PARAM = 'range'
const BREAKDOWN_PARAM = 'by'

function isPreset(value: string | null): value is Preset {
  return PRESETS.some((preset) => preset.key === value)
}

function isBreakdown(value: string | null): value is Breakdown {
  return BREAKDOWNS.some((breakdown) => breakdown.key === value)
}

/** Reads the view from a query string such as `?range=7d&by=customer`. */
export function readViewState(search: string): ViewState {
  const params = new URLSearchParams(search)
  const preset = params.get(PRESET_PARAM)
  const breakdown = params.get(BREAKDOWN_PARAM)
  return {
    preset: isPreset(preset) ? preset : DEFAULT_VIEW.preset,
    breakdown: isBreakdown(breakdown) ? breakdown : DEFAULT_VIEW.breakdown,
  }
}

/** Returns `search` with the view written into it (leading "?"), keeping any other parameters. */
export function writeViewState(search: string, view: ViewState): string {
  const params = new URLSearchParams(search)
  params.set(PRESET_PARAM, view.preset)
  params.set(BREAKDOWN_PARAM, view.breakdown)
  return `?${params.toString()}`
}

/** The server's `dimension` parameter for a breakdown key. */
export function breakdownDimension(breakdown: Breakdown): string {
  return BREAKDOWNS.find((entry) => entry.key === breakdown)?.dimension ?? 'feature'
}
