// The whole view lives in the URL query string, so a copied link reproduces what its sender saw:
// `?view=breakdowns&range=7d&tz=Europe/Paris&by=customer&feature=chat-assistant`, led by
// `project=shop` once a project was chosen. Unknown or missing values fall back to the defaults;
// parameters the dashboard does not own are kept.

import { type Dimension, isDimension, WHAT_IF_TIERS, type WhatIfTier } from '@spendlens/server/api-types'
import { ANOMALY_STATE_FILTERS, type AnomalyStateFilter } from './anomaly-list'
import { BUCKET_CHOICES, type BucketChoice } from './buckets'
import { type DashboardFilter, readFilters, writeFilters } from './filters'
import {
  DEFAULT_INVOICE_PERIOD,
  type InvoicePeriod,
  readInvoicePeriod,
  writeInvoicePeriod,
} from './invoice-period'
import { PRESETS, type Preset } from './time-range'
import { isValidTimeZone, parseDateLabel } from './zoned-time'

export const VIEWS = [
  { key: 'overview', label: 'Overview' },
  { key: 'breakdowns', label: 'Breakdowns' },
  { key: 'customers', label: 'Customers' },
  { key: 'models', label: 'Models & providers' },
  { key: 'prompts', label: 'Prompt templates' },
  { key: 'latency', label: 'Latency & errors' },
  { key: 'requests', label: 'Requests' },
  { key: 'anomalies', label: 'Anomalies' },
  { key: 'budgets', label: 'Budgets' },
  { key: 'invoice', label: 'Invoice' },
] as const

/** The views in the navigation, plus those reached by links: a customer's own page, the unpriced models. */
export type ViewName = (typeof VIEWS)[number]['key'] | 'customer' | 'unpriced'

/** Dimensions a breakdown can be switched to: URL key, label, server dimension. */
export const BREAKDOWNS = [
  { key: 'feature', label: 'Feature', dimension: 'feature' },
  { key: 'customer', label: 'Customer', dimension: 'customer_id' },
  // A model is its catalog family (docs/event-schema.md, model_family); the snapshot is its own breakdown.
  { key: 'model', label: 'Model', dimension: 'model_family' },
  { key: 'snapshot', label: 'Model snapshot', dimension: 'model' },
  { key: 'provider', label: 'Provider', dimension: 'provider' },
  { key: 'route', label: 'Route', dimension: 'route' },
  { key: 'environment', label: 'Environment', dimension: 'environment' },
  { key: 'user', label: 'User', dimension: 'user_id' },
  { key: 'prompt', label: 'Prompt template', dimension: 'prompt_id' },
  { key: 'conversation', label: 'Conversation', dimension: 'session_id' },
  { key: 'operation', label: 'Operation', dimension: 'operation' },
  { key: 'status', label: 'Status', dimension: 'status' },
  { key: 'service_tier', label: 'Service tier', dimension: 'service_tier' },
  { key: 'provider_project', label: 'Provider project', dimension: 'provider_project' },
  { key: 'pricing_status', label: 'Pricing status', dimension: 'pricing_status' },
] as const satisfies readonly { key: string; label: string; dimension: Dimension }[]

/** A breakdown key, or `tags.<key>` for a free-form tag. */
export type BreakdownKey = (typeof BREAKDOWNS)[number]['key'] | `tags.${string}`

export type MixMetric = 'requests' | 'cost'

/**
 * Models view: models by catalog family (an alias, its snapshots and the failed calls that asked for
 * it in one row), or by the snapshot each call reported.
 */
export const MODEL_GRAINS = [
  { key: 'family', label: 'Family' },
  { key: 'snapshot', label: 'Snapshot' },
] as const

export type ModelGrain = (typeof MODEL_GRAINS)[number]['key']

/** The Invoice view's table: the reconciliation by model, the invoice's line items, or by provider project. */
export const INVOICE_TABLES = [
  { key: 'model', label: 'By model' },
  { key: 'line_item', label: 'By line item' },
  { key: 'project', label: 'By project' },
] as const

export type InvoiceTable = (typeof INVOICE_TABLES)[number]['key']

export interface ViewState {
  /** The project the figures are of; undefined: the credential's default one. */
  project?: string
  view: ViewName
  preset: Preset
  /** First and last day of a custom range ("YYYY-MM-DD", both included). */
  first?: string
  last?: string
  /** IANA zone; undefined: the browser's. */
  timeZone?: string
  filters: DashboardFilter[]
  /** Breakdowns view: the dimension. */
  breakdown: BreakdownKey
  /** Overview: the dimension cost over time is stacked by. */
  stack: BreakdownKey
  bucket: BucketChoice
  live: boolean
  /** Customer page: whose. */
  customer?: string
  /** Latency view: errors broken down by. */
  errorsBy: BreakdownKey
  /** Models view: model mix by requests or by cost. */
  mix: MixMetric
  /** Models view: models by family or by snapshot. */
  models: ModelGrain
  /** Models view: the day a migration is compared before and after ("YYYY-MM-DD"). */
  split?: string
  /** Invoice view: its range, in UTC days. */
  period: InvoicePeriod
  invoiceTable: InvoiceTable
  /** Invoice view: spread the invoice before tracking over features and customers (an estimate). */
  estimate: boolean
  /** Anomalies view: the state listed. */
  anomalyState: AnomalyStateFilter
  /** Models and Breakdowns views: the model the What if panel prices the calls at (`openai/gpt-4o-mini`). */
  whatIf?: string
  whatIfTier: WhatIfTier
  /** Customers view: the share of revenue past which a customer's LLM cost is flagged. */
  maxCostShare: number
}

export const DEFAULT_VIEW: ViewState = {
  view: 'overview',
  preset: '30d',
  filters: [],
  breakdown: 'feature',
  stack: 'feature',
  bucket: 'auto',
  live: false,
  errorsBy: 'feature',
  mix: 'requests',
  models: 'family',
  period: DEFAULT_INVOICE_PERIOD,
  invoiceTable: 'model',
  estimate: false,
  anomalyState: 'all',
  whatIfTier: 'as_recorded',
  maxCostShare: 0.2,
}

const PARAM = {
  project: 'project',
  view: 'view',
  preset: 'range',
  first: 'from',
  last: 'to',
  timeZone: 'tz',
  breakdown: 'by',
  stack: 'stack',
  bucket: 'bucket',
  live: 'live',
  customer: 'customer',
  errorsBy: 'errors',
  mix: 'mix',
  models: 'models',
  split: 'split',
  period: 'period',
  invoiceTable: 'table',
  estimate: 'estimate',
  anomalyState: 'state',
  whatIf: 'whatif',
  whatIfTier: 'tier',
  maxCostShare: 'share',
} as const

export function isBreakdownKey(value: string | null): value is BreakdownKey {
  if (value === null) return false
  return BREAKDOWNS.some((entry) => entry.key === value) || (value.startsWith('tags.') && isDimension(value))
}

/** The server dimension of a breakdown key. */
export function breakdownDimension(key: BreakdownKey): Dimension {
  if (key.startsWith('tags.')) return key as Dimension
  return BREAKDOWNS.find((entry) => entry.key === key)?.dimension ?? 'feature'
}

/** "Feature", "Customer", or "Tag plan". */
export function breakdownLabel(key: BreakdownKey): string {
  if (key.startsWith('tags.')) return `Tag ${key.slice(5)}`
  return BREAKDOWNS.find((entry) => entry.key === key)?.label ?? key
}

/** Label of a dimension, e.g. customer_id → "Customer". */
export function dimensionLabel(dimension: Dimension): string {
  if (dimension.startsWith('tags.')) return `Tag ${dimension.slice(5)}`
  return BREAKDOWNS.find((entry) => entry.dimension === dimension)?.label ?? dimension
}

function pick<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback
}

const VIEW_KEYS: ViewName[] = [...VIEWS.map((entry) => entry.key), 'customer', 'unpriced']
const PRESET_KEYS: Preset[] = [...PRESETS.map((entry) => entry.key), 'custom']

/** Reads the view from a query string such as `?view=customers&range=7d`. */
export function readViewState(search: string): ViewState {
  const params = new URLSearchParams(search)
  const get = (name: keyof typeof PARAM) => params.get(PARAM[name])
  const dateParam = (name: 'first' | 'last' | 'split') => {
    const value = get(name)
    return value && parseDateLabel(value) ? value : undefined
  }
  const timeZone = get('timeZone')
  const customer = get('customer')
  const project = get('project')
  let preset = pick(get('preset'), PRESET_KEYS, DEFAULT_VIEW.preset)
  const first = dateParam('first')
  const last = dateParam('last')
  if (preset === 'custom' && (!first || !last || last < first)) preset = DEFAULT_VIEW.preset
  let view = pick(get('view'), VIEW_KEYS, DEFAULT_VIEW.view)
  if (view === 'customer' && !customer) view = 'customers'
  const breakdown = get('breakdown')
  const stack = get('stack')
  const errorsBy = get('errorsBy')
  return {
    ...(project ? { project } : {}),
    view,
    preset,
    ...(preset === 'custom' ? { first, last } : {}),
    ...(timeZone && isValidTimeZone(timeZone) ? { timeZone } : {}),
    filters: readFilters(params),
    breakdown: isBreakdownKey(breakdown) ? breakdown : DEFAULT_VIEW.breakdown,
    stack: isBreakdownKey(stack) ? stack : DEFAULT_VIEW.stack,
    bucket: pick(get('bucket'), BUCKET_CHOICES, DEFAULT_VIEW.bucket),
    live: get('live') === '1',
    ...(view === 'customer' && customer ? { customer } : {}),
    errorsBy: isBreakdownKey(errorsBy) ? errorsBy : DEFAULT_VIEW.errorsBy,
    mix: pick(get('mix'), ['requests', 'cost'], DEFAULT_VIEW.mix),
    models: pick(
      get('models'),
      MODEL_GRAINS.map((entry) => entry.key),
      DEFAULT_VIEW.models,
    ),
    ...(dateParam('split') ? { split: dateParam('split') } : {}),
    period: readInvoicePeriod(get('period')),
    invoiceTable: pick(
      get('invoiceTable'),
      INVOICE_TABLES.map((entry) => entry.key),
      DEFAULT_VIEW.invoiceTable,
    ),
    estimate: get('estimate') === '1',
    anomalyState: pick(
      get('anomalyState'),
      ANOMALY_STATE_FILTERS.map((entry) => entry.key),
      DEFAULT_VIEW.anomalyState,
    ),
    ...(/^[a-z0-9_.-]+\/\S+$/i.test(get('whatIf') ?? '') ? { whatIf: get('whatIf') as string } : {}),
    whatIfTier: pick(get('whatIfTier'), WHAT_IF_TIERS, DEFAULT_VIEW.whatIfTier),
    maxCostShare: shareParam(get('maxCostShare')),
  }
}

/** A share between 0 and 1 (exclusive of 0), else the default. */
function shareParam(value: string | null): number {
  const share = Number(value)
  return value !== null && share > 0 && share <= 1 ? share : DEFAULT_VIEW.maxCostShare
}

/**
 * Returns `search` with the view written into it (leading "?"), keeping parameters the dashboard
 * does not own. The view, range and time zone are always written; the rest only when not default
 * (the project first, when one was chosen, as it scopes everything after it).
 */
export function writeViewState(search: string, view: ViewState): string {
  const params = new URLSearchParams(search)
  for (const name of Object.values(PARAM)) params.delete(name)
  if (view.project) params.set(PARAM.project, view.project)
  params.set(PARAM.view, view.view)
  params.set(PARAM.preset, view.preset)
  if (view.preset === 'custom' && view.first && view.last) {
    params.set(PARAM.first, view.first)
    params.set(PARAM.last, view.last)
  }
  if (view.timeZone) params.set(PARAM.timeZone, view.timeZone)
  const optional = [
    'breakdown',
    'stack',
    'bucket',
    'errorsBy',
    'mix',
    'models',
    'invoiceTable',
    'anomalyState',
  ] as const
  for (const name of optional) {
    if (view[name] !== DEFAULT_VIEW[name]) params.set(PARAM[name], view[name])
  }
  if (view.live) params.set(PARAM.live, '1')
  if (view.view === 'customer' && view.customer) params.set(PARAM.customer, view.customer)
  if (view.split) params.set(PARAM.split, view.split)
  if (view.period !== DEFAULT_VIEW.period) params.set(PARAM.period, writeInvoicePeriod(view.period))
  if (view.estimate) params.set(PARAM.estimate, '1')
  if (view.whatIf) params.set(PARAM.whatIf, view.whatIf)
  if (view.whatIfTier !== DEFAULT_VIEW.whatIfTier) params.set(PARAM.whatIfTier, view.whatIfTier)
  if (view.maxCostShare !== DEFAULT_VIEW.maxCostShare)
    params.set(PARAM.maxCostShare, String(view.maxCostShare))
  writeFilters(params, view.filters)
  return `?${params.toString()}`
}
