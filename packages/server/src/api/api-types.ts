import type {
  BudgetAction,
  BudgetPeriod,
  CostEvent,
  PricingStatus,
  UNATTRIBUTED as STORED_UNATTRIBUTED,
} from 'spendlens'

/**
 * The server's HTTP API as it travels (docs/api.md), declared once for the server and the dashboard:
 * the query model's lists and types, query rows, the event log page, the logged event and the meta
 * answer. Plain data and types only, nothing that runs on import (no zod, no Node APIs), so the
 * dashboard bundles it as it is (`@spendlens/server/api-types`). The server's validation of a query
 * (query/analytics-query.ts) is built from these lists.
 */

export const DIMENSIONS = [
  'provider',
  'model',
  'model_family',
  'operation',
  'feature',
  'route',
  'customer_id',
  'user_id',
  'session_id',
  'environment',
  'prompt_id',
  'status',
  'service_tier',
  'provider_project',
  'pricing_status',
] as const
export type BaseDimension = (typeof DIMENSIONS)[number]
/** A whitelisted column, or `tags.<key>` for a free-form tag. */
export type Dimension = BaseDimension | `tags.${string}`

/**
 * The dimensions a budget's scope may use: every one but `pricing_status`, which is only known once
 * a call is priced (the SDK checks a budget before the call), and whose `unpriced` calls have no cost
 * to count against an amount.
 */
export const BUDGET_DIMENSIONS: readonly BaseDimension[] = DIMENSIONS.filter(isBudgetDimension)

/** Whether a budget's scope may filter on `dimension` (BUDGET_DIMENSIONS; a tag always may). */
export function isBudgetDimension(dimension: Dimension): boolean {
  return dimension !== 'pricing_status'
}

/** Every `pricing_status` an event can have (docs/event-schema.md): the values its filter accepts. */
export const PRICING_STATUSES = [
  'priced',
  'estimated',
  'unpriced',
  'client',
] as const satisfies readonly PricingStatus[]
type MissingStatus = Exclude<PricingStatus, (typeof PRICING_STATUSES)[number]>
/** Fails to compile when the SDK gains a status this list lacks. */
export const PRICING_STATUSES_COMPLETE: MissingStatus extends never ? true : never = true

/** Tag keys that can be grouped or filtered on: letters, digits and `_ . : -`, at most 64. */
const TAG_KEY = /^[A-Za-z0-9_.:-]{1,64}$/

export function isTagKey(key: string): boolean {
  return TAG_KEY.test(key)
}

export function isDimension(value: string): value is Dimension {
  if ((DIMENSIONS as readonly string[]).includes(value)) return true
  return value.startsWith('tags.') && isTagKey(value.slice(5))
}

export const METRICS = [
  'requests',
  'cost_usd',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'input_audio_tokens',
  'output_audio_tokens',
  // Tool calls billed per call or per session (docs/pricing.md): read from the events, not the rollups.
  'web_search_requests',
  'file_search_requests',
  'web_fetch_requests',
  'code_interpreter_sessions',
  'avg_tokens_per_request',
  'cost_per_request',
  'avg_latency_ms',
  'p50_latency_ms',
  'p95_latency_ms',
  'p99_latency_ms',
  'error_rate',
  'cache_hit_rate',
  'unpriced_count',
  // A cost the provider charged beside the catalog's price of the same calls (docs/pricing.md).
  'charged_requests',
  'charged_cost_usd',
  'computed_cost_usd',
  'charged_unpriced_count',
  'unattributed_share',
  'first_seen_ms',
  'last_seen_ms',
] as const
export type Metric = (typeof METRICS)[number]

export const BUCKETS = ['minute', 'hour', 'day', 'week', 'month'] as const
export type Bucket = (typeof BUCKETS)[number]

export const FILTER_OPS = ['eq', 'in', 'not_in'] as const
export type FilterOp = (typeof FILTER_OPS)[number]

export interface Filter {
  dimension: Dimension
  /** `eq`: one value; `in`: any of the values; `not_in`: none of them. */
  op: FilterOp
  values: string[]
}

/**
 * The query model with its time range as instants. On the wire (QueryRequest) `from` and `to` are
 * ISO 8601 strings or epoch milliseconds; in the server, Dates (AnalyticsQuery).
 */
interface QueryShape<Instant> {
  /** Inclusive start. */
  from?: Instant
  /** Exclusive end. */
  to?: Instant
  /** IANA time zone that buckets are cut in. Default UTC. */
  timeZone: string
  filters: Filter[]
  /** Up to three dimensions. */
  groupBy: Dimension[]
  bucket?: Bucket
  metrics: Metric[]
  orderBy?: { metric: Metric; direction: 'asc' | 'desc' }
  limit?: number
  /** With `limit` and `groupBy`: one more row, `others: true`, aggregating every group past the limit. */
  others?: boolean
}

/** The body of POST /api/query. */
export type QueryRequest = QueryShape<string | number>

/**
 * A query as the server runs it (validated: query/analytics-query.ts), within the project the
 * request acts on (the credential's, never the body's); every project when none is set.
 */
export type AnalyticsQuery = QueryShape<Date> & { project?: string }

/** One result row: group values under the dimension's name, the bucket when bucketed, the asked metrics. */
export type QueryRow = { [dimension: string]: string | number | boolean | null | undefined } & {
  bucket_start?: string
  bucket_label?: string
  /** The "everything else" row. */
  others?: boolean
} & Partial<Record<Metric, number | null>>

/**
 * The price an event was stored with before a reprice changed it (`spendlens reprice`,
 * docs/reprice.md): its cost, status and source as first recorded. Only a repriced event has it.
 */
export interface RecordedPrice {
  recorded_cost_usd: number | null
  recorded_pricing_status: PricingStatus
  recorded_price_source: string | null
}

/**
 * One stored event as GET /api/events answers it: every CostEvent field as the SDK sent it, with a
 * missing attribution value as null (the store's `unattributed` turned back) and cost in dollars;
 * and, once a reprice changed its price, the price first recorded (all three fields, or none).
 */
export type LoggedEvent = CostEvent & Partial<RecordedPrice>

/** A page of the event log (GET /api/events), newest first. */
export interface EventPage {
  events: LoggedEvent[]
  /** Pass back as `cursor` for the next page; null on the last page. */
  next_cursor: string | null
}

/** GET /api/meta. */
export interface Meta {
  version: string
  store: { engine: string; path: string }
  /**
   * The demo data (docs/dashboard.md "Demo data"): `loaded` when the request's project holds it;
   * `project`, where it is (null: no demo, or dropped).
   */
  demo: { loaded: boolean; loaded_at: string | null; project: string | null }
  /** Events stored, and the first and last call time (ISO). */
  events: number
  first_ts: string | null
  last_ts: string | null
  ingest: IngestTotals
}

/** What ingest stored since the server started: flushes into the store and what became of their events. */
export interface IngestTotals {
  flushes: number
  requests: number
  events: number
  inserted: number
  replaced: number
  duplicates: number
}

/** The value a missing attribution is stored and grouped as (the SDK's, checked by its type). */
export const UNATTRIBUTED: typeof STORED_UNATTRIBUTED = 'unattributed'

/** What a key or user may do (docs/security.md "Roles"). */
export type Role = 'ingest' | 'read' | 'admin'

/** Who a request acts as: a key, a signed-in user, or anyone (a server without keys). */
export interface SessionPrincipal {
  kind: 'key' | 'user' | 'open'
  /** The key's id, the user's name; `open` for anyone. */
  id: string
  role: Role
  /** The projects it may see. */
  projects: string[]
  /** The project its requests act on when they name none. */
  default_project: string
}

/** GET, POST and DELETE /api/session. */
export interface SessionAnswer {
  /** `required` once the server has any key or user; `open` before. */
  auth: 'required' | 'open'
  /** null: not signed in. */
  principal: SessionPrincipal | null
}

/** GET /api/projects. */
export interface ProjectsAnswer {
  projects: string[]
  /** The project the request acted on: without a project header, the credential's default. */
  current: string
}

/** The project nobody names: where a server without keys keeps its events. */
export const DEFAULT_PROJECT = 'default'

/** The providers whose own usage and cost reports spendlens syncs (docs/invoice.md). */
export type InvoiceProviderName = 'openai' | 'anthropic'

/** Where the sync of one provider's reports stands (GET /api/invoice/sync). */
export interface InvoiceSyncStatus {
  provider: InvoiceProviderName
  /** An admin key is set for it on the server: the background job syncs it. */
  configured: boolean
  /** A run is going on now. */
  running: boolean
  /** The provider's organization, once a report named it. */
  organization: string | null
  /** The buckets synced: from the first to the end of the last complete one (ISO), null before any. */
  synced_from: string | null
  synced_until: string | null
  last_run_at: string | null
  last_success_at: string | null
  /** The last run's error in one line; null when it succeeded. */
  last_error: string | null
  /** Lines the last successful run stored. */
  lines: number
  /** The background job's next run (ISO); null when none is scheduled. */
  next_run_at: string | null
}

/** GET /api/invoice/sync. */
export interface InvoiceSyncAnswer {
  providers: InvoiceSyncStatus[]
}

/** How the reconciliation's rows are cut (`by`). */
export const RECONCILE_BY = ['day', 'model', 'project'] as const
export type ReconcileBy = (typeof RECONCILE_BY)[number]

/**
 * The invoice beside the tracked events, and the gap between them in parts that add up to it:
 * `invoiced_usd = tracked_usd + untracked_usage_usd + price_difference_usd + non_model_usd +
 * unexplained_usd` (docs/invoice.md "Reconcile").
 */
export interface ReconcileFigures {
  invoiced_usd: number
  tracked_usd: number
  /** invoiced − tracked. */
  gap_usd: number
  /** tracked ÷ invoiced; null when nothing was invoiced. */
  coverage: number | null
  /** Usage the provider saw that no event recorded (its usage report less the tracked tokens), priced. */
  untracked_usage_usd: number
  /** The same tokens billed at other money than spendlens priced them: a catalog error, a discount, a tier. */
  price_difference_usd: number
  /** Invoice lines no model call explains: fine-tuning training, storage, tool sessions. */
  non_model_usd: number
  /** What cannot be split: invoice lines not itemized by model, or a model without a usage report. */
  unexplained_usd: number
}

/** The parts of a gap, by name (ReconcileFigures' `*_usd` part fields). */
export const GAP_PARTS = ['untracked_usage', 'price_difference', 'non_model', 'unexplained'] as const
export type GapPart = (typeof GAP_PARTS)[number]

/** One row of a reconciliation: its cut's keys, and its figures. */
export interface ReconcileRow extends ReconcileFigures {
  /** UTC day (`YYYY-MM-DD`), with `by=day`. */
  day?: string
  provider?: InvoiceProviderName
  /** The catalog's model (snapshots matched to it), with `by=model`; null for lines of no model. */
  model?: string | null
  /** The provider's model names folded into `model`. */
  snapshots?: string[]
  /** The provider's project or workspace id, with `by=project` (null: none given). */
  project?: string | null
}

/** One line item of the invoice over the range: what the provider billed, as it names it. */
export interface InvoiceLineItem {
  provider: InvoiceProviderName
  /** OpenAI's `line_item`, Anthropic's `description`. */
  line_item: string | null
  /** The catalog's model the line prices (null: a line of no model, such as fine-tuning training). */
  model: string | null
  /** The provider's project or workspace id. */
  project: string | null
  invoiced_usd: number
}

/** Invoice days before the first tracked event: the provider's own totals, never mixed into tracked figures. */
export interface BeforeTracking {
  /** The first tracked event's UTC day: everything before it is here. */
  until: string
  invoiced_usd: number
  /** By provider, model and provider project. */
  rows: {
    provider: InvoiceProviderName
    model: string | null
    project: string | null
    invoiced_usd: number
  }[]
  /**
   * With `estimate=true`: the same money spread over features and customers by their share of cost
   * in the first tracked weeks. An estimate, always labelled as one.
   */
  estimate: {
    weeks: number
    by_feature: { feature: string; estimated_usd: number }[]
    by_customer: { customer_id: string; estimated_usd: number }[]
  } | null
}

/** GET /api/invoice/reconcile. */
export interface ReconcileAnswer {
  /** The UTC days covered: [from, to). */
  from: string
  to: string
  by: ReconcileBy
  totals: ReconcileFigures
  /** The part that explains most of the gap, and the same in words for the page. */
  dominant: GapPart | null
  summary: string
  rows: ReconcileRow[]
  /** The invoice's line items over the range, largest first. */
  line_items: InvoiceLineItem[]
  before_tracking: BeforeTracking | null
  /**
   * Tracked cost on days no complete invoice covers yet (the current UTC day, days not synced) or
   * of providers whose invoice is not synced: left out of every figure above.
   */
  tracked_outside_invoice_usd: number
  sync: InvoiceSyncStatus[]
}

/** What an anomaly detector looks for (docs/anomalies.md). */
export const ANOMALY_KINDS = [
  'spend_spike',
  'customer_hour',
  'request_outlier',
  'off_hours',
  'duplicated_job',
  'prompt_drift',
  'error_storm',
  'new_model',
  'unpriced_model',
] as const
export type AnomalyKind = (typeof ANOMALY_KINDS)[number]

/** What a person calls each kind: in alerts (their headline, an email's subject) and on the dashboard. */
export const ANOMALY_KIND_LABELS: Record<AnomalyKind, string> = {
  spend_spike: 'Spend spike',
  customer_hour: 'Customer spend spike',
  request_outlier: 'Outsized request',
  off_hours: 'Off-hours traffic',
  duplicated_job: 'Duplicated job',
  prompt_drift: 'Prompt drift',
  error_storm: 'Error storm',
  new_model: 'New model',
  unpriced_model: 'Unpriced model',
}

/** Where an anomaly moves: by itself back to `resolved` once the traffic is normal again. */
export const ANOMALY_STATES = ['open', 'acknowledged', 'resolved', 'muted'] as const
export type AnomalyState = (typeof ANOMALY_STATES)[number]

export type AnomalySeverity = 'low' | 'medium' | 'high'

/** One anomaly, as the API, the CLI's JSON and the alerts carry it. */
export interface Anomaly {
  /** Stable: the same kind, scope and start is the same anomaly, never raised twice. */
  id: string
  kind: AnomalyKind
  /** What it is about: a dimension and its value (`{ dimension: 'feature', value: 'search' }`), or everything. */
  scope: { dimension: string; value: string } | null
  /** The first and the last hour it was seen in (ISO; `end` is exclusive). */
  start: string
  end: string
  /** The measure that was off (`cost_usd`, `requests`, `avg_input_tokens`, `error_rate`…), as observed and as expected. */
  measure: string
  observed: number
  expected: number
  /** Dollars above what was expected over the anomaly's hours. */
  money_at_stake_usd: number
  severity: AnomalySeverity
  state: AnomalyState
  /** One sentence a person reads in an alert or on the dashboard. */
  summary: string
}

/** GET /api/anomalies: open and acknowledged ones first, then by money at stake. */
export interface AnomaliesAnswer {
  anomalies: Anomaly[]
}

/**
 * What an alert message says: the webhook body's `type` (docs/alerts.md). `alert.test` is an admin's
 * test of a channel (`POST /api/alerts/test`), about no anomaly; `budget.*` a budget's alert
 * (docs/budgets.md).
 */
export type AlertMessageType =
  | 'anomaly.opened'
  | 'anomaly.resolved'
  | 'anomaly.group'
  | 'alert.test'
  | 'budget.threshold'
  | 'budget.forecast'
  | 'report.weekly'

/** Where one alert message stands: still being tried, delivered, or given up on. */
export type AlertDeliveryStatus = 'retrying' | 'delivered' | 'failed'

/** One alert message sent to one channel, as GET /api/alerts/deliveries lists it. */
export interface AlertDeliveryEntry {
  /** Also sent as `X-Spendlens-Delivery`, the same on every retry. */
  id: string
  /** The channel's id in the alert configuration. */
  channel: string
  type: AlertMessageType
  /** Every anomaly the message is about, in the order it lists them; a budget message's alert id. */
  anomaly_ids: string[]
  status: AlertDeliveryStatus
  attempts: number
  /** The last failed attempt's error in one line; null when none failed. */
  last_error: string | null
  created_at: string
  last_attempt_at: string | null
  delivered_at: string | null
}

/** GET /api/alerts/deliveries: the project's alert messages, newest first. */
export interface AlertDeliveriesAnswer {
  deliveries: AlertDeliveryEntry[]
  /**
   * Whether the project has alert channels to send to (its own configuration, else the server's
   * `--alerts` file): without, an empty log means nothing can be sent, not that nothing matched.
   * Says only that, never a channel's address or secret, so a read key may see it.
   */
  alerts_configured: boolean
}

/** The tiers a what-if prices at: each call's own (`as_recorded`), or every call at one. */
export const WHAT_IF_TIERS = ['as_recorded', 'standard', 'batch', 'flex'] as const
export type WhatIfTier = (typeof WHAT_IF_TIERS)[number]

/** The model (and tier) a what-if prices the same calls at (docs/decisions.md "What if"). */
export interface WhatIfTarget {
  provider: string
  model: string
  /** Default `as_recorded`: each call at the tier it ran on. */
  tier?: WhatIfTier
  /** What if this share (0–1) of each call's input were read from the cache, at least as recorded. */
  cache_read_share?: number
}

/** The body of POST /api/what-if: the query model's range and filters, and the target. */
export interface WhatIfRequest {
  from?: string | number
  to?: string | number
  filters?: Filter[]
  target: WhatIfTarget
}

/** Money of one part of a what-if: what the calls cost as recorded, and at the target. */
export interface WhatIfFigures {
  requests: number
  current_usd: number
  target_usd: number
  /** target − current: negative saves money, positive adds. */
  difference_usd: number
  /** difference ÷ current; null when the current cost is 0. */
  difference_ratio: number | null
}

/** Calls left out of a what-if, for one reason. */
export interface WhatIfExclusion {
  reason: string
  requests: number
  /** Their recorded cost; null when it is unknown (the reason itself). */
  current_usd: number | null
}

/** POST /api/what-if. */
export interface WhatIfAnswer extends WhatIfFigures {
  from: string | null
  to: string | null
  target: Required<Pick<WhatIfTarget, 'provider' | 'model' | 'tier'>> & {
    cache_read_share: number | null
    /** The catalog entry it is priced as: `genai-prices:openai/gpt-4o-mini`. */
    priced_as: string
    name: string | null
  }
  by_feature: (WhatIfFigures & { feature: string; models: string[] })[]
  by_model: (WhatIfFigures & { provider: string; model: string })[]
  /** What the figures assume, in sentences; the tokenizer's first where the model families differ. */
  caveats: string[]
  /** Calls not compared (their cost unknown, or units the target has no price for). */
  unpriced: { requests: number; current_usd: number; reasons: WhatIfExclusion[] }
}

/**
 * A business outcome as POST /v1/outcomes takes it (docs/decisions.md "Unit economics"): a
 * conversion, a resolved ticket, a signed contract, with the money it brought when known.
 */
export interface OutcomeInput {
  /** Idempotency key: an id is stored once per project; a repeat is a duplicate and changes nothing. */
  id: string
  /** What happened: `ticket_resolved`, `conversion`… */
  outcome: string
  /** When it happened: ISO 8601 with an offset, or epoch milliseconds. */
  ts: string | number
  customer_id?: string | null
  /** The feature whose calls led to it: its cost per outcome is that feature's cost over the outcomes. */
  feature?: string | null
  /** What it was worth, in dollars, when known. */
  value_usd?: number | null
}

/** One outcome's fate in a POST /v1/outcomes batch, in the order sent. */
export interface OutcomeResult {
  index: number
  id: string | null
  status: 'accepted' | 'duplicate' | 'rejected'
  errors?: string[]
}

/** POST /v1/outcomes: 200 when at least one outcome was accepted or a duplicate, 400 when all were rejected. */
export interface OutcomesAnswer {
  accepted: number
  duplicates: number
  rejected: number
  results: OutcomeResult[]
}

/** One customer's revenue as PUT /api/revenue and the CSV import take it. */
export interface RevenueEntry {
  customer_id: string
  /** Dollars a month. */
  monthly_revenue_usd: number
  plan?: string | null
  /** `YYYY-MM`: this month only. Without it the amount stands for every month that has none of its own. */
  month?: string | null
}

/** GET /api/revenue and the answer of PUT /api/revenue: the project's revenue, by customer and month. */
export interface RevenueAnswer {
  revenue: (Required<RevenueEntry> & { updated_at: string })[]
}

/** Outcomes of one kind and their cost: the feature's cost (or every feature's) over how many there were. */
export interface CostPerOutcomeRow {
  /** null: outcomes that name no feature, set against the cost of every feature in scope. */
  feature: string | null
  outcome: string
  outcomes: number
  /** Sum of the values sent with them; null when none had one. */
  value_usd: number | null
  cost_usd: number | null
  cost_per_outcome_usd: number | null
}

/** One customer's margin over the period: revenue less LLM cost. */
export interface CustomerMargin {
  customer_id: string
  plan: string | null
  /** Revenue prorated over the period; null when none is on file. */
  revenue_usd: number | null
  /** LLM cost in the period (null: no known cost). */
  cost_usd: number | null
  margin_usd: number | null
  /** cost ÷ revenue; null without revenue. */
  cost_share: number | null
  /** The cost passes `max_cost_share` of the revenue (or there is cost and the revenue is 0). */
  over_share: boolean
  outcomes: number
}

/** GET /api/unit-economics. */
export interface UnitEconomicsAnswer {
  from: string | null
  to: string | null
  /** The share of revenue past which a customer's LLM cost is flagged. */
  max_cost_share: number
  totals: {
    revenue_usd: number
    /** Cost of the customers with revenue on file. */
    cost_usd: number
    margin_usd: number
    outcomes: number
  }
  cost_per_outcome: CostPerOutcomeRow[]
  /** Customers over the share first (by cost share), then by cost; at most `limit`. */
  customers: CustomerMargin[]
  /** How many customers are over the share (all of them are at the top of `customers`). */
  over_share: number
  notes: string[]
}

/** A feature's calls on one side of a model migration. */
export interface MigrationSide {
  /** The side's days: [from, to). */
  from: string
  to: string
  /** The feature's main model on that side, and its share of the feature's calls near the change. */
  provider: string
  model: string
  share: number
  requests: number
  cost_usd: number | null
  cost_per_request: number | null
  input_tokens_per_request: number | null
  output_tokens_per_request: number | null
  avg_latency_ms: number | null
  p95_latency_ms: number | null
  error_rate: number | null
}

/** A feature whose main model changed and stayed changed (docs/decisions.md "Model migrations"). */
export interface ModelMigration {
  feature: string
  /** The first day (in `tz`) of the new model, `YYYY-MM-DD`, and the instant it starts. */
  day: string
  at: string
  before: MigrationSide
  after: MigrationSide
  /** after ÷ before − 1 of each figure; null where either side has none. */
  change: {
    cost_per_request: number | null
    tokens_per_request: number | null
    p95_latency_ms: number | null
    /** after − before, in points of rate. */
    error_rate: number | null
  }
}

/** GET /api/model-migrations: the most recent first. */
export interface ModelMigrationsAnswer {
  from: string | null
  to: string | null
  tz: string
  migrations: ModelMigration[]
}

/**
 * Calls against a model's long-context price tier (docs/api.md "Long context"): how many came near
 * its threshold, how many passed it, and what those cost.
 */
export interface LongContextFigures {
  /** Calls on models that have a long-context tier. */
  requests: number
  /** Calls whose input was within `approach_share` of the threshold, and not past it. */
  approaching: number
  /** Calls whose input passed the threshold: billed at the long-context rate. */
  crossed: number
  /** What the crossed calls cost as recorded; null when none of them has a known cost. */
  cost_usd: number | null
  /** How much of cost_usd the long-context rate added over the model's base rate. */
  extra_usd: number | null
  /** Crossed calls without a known cost, left out of cost_usd and extra_usd. */
  unpriced: number
}

/** One model's calls of a feature, against the model's first long-context threshold. */
export interface LongContextModel extends LongContextFigures {
  provider: string
  model: string
  /** Input tokens past which a call is billed at the long-context rate (the catalog's tier start). */
  threshold: number
  /** The catalog entry the threshold comes from, as in `price_source`. */
  priced_as: string
}

export interface LongContextFeature extends LongContextFigures {
  feature: string
  models: LongContextModel[]
}

/** GET /api/long-context: the features with calls approaching or past a tier, most extra cost first. */
export interface LongContextAnswer {
  from: string | null
  to: string | null
  /** The share of a threshold from which a call counts as approaching it (0.8: 80–100%). */
  approach_share: number
  totals: LongContextFigures
  features: LongContextFeature[]
}

/** Budgets (docs/budgets.md): calendar periods they reset on, and what happens once one is spent. */
export const BUDGET_PERIODS = ['day', 'week', 'month'] as const satisfies readonly BudgetPeriod[]
export const BUDGET_ACTIONS = ['alert', 'block'] as const satisfies readonly BudgetAction[]
export type { BudgetAction, BudgetPeriod }

/** Shares of the amount that send an alert once per period when spend reaches them. */
export const DEFAULT_BUDGET_THRESHOLDS: readonly number[] = [0.5, 0.8, 1]

/** A budget as it is defined: in the API (`PUT /api/budgets/:id`) and the server's budgets file. */
export interface BudgetDefinition {
  /** For people; the id when not given. */
  name: string
  /** The query model's filters (every one must hold), within the project; none: the whole project. */
  filters: Filter[]
  period: BudgetPeriod
  /** IANA zone the period's calendar is read in (a day starts at local midnight, a week on Monday). */
  timeZone: string
  amountUsd: number
  /** Shares of the amount (0.5 for 50%) that send an alert, in rising order. */
  thresholds: number[]
  action: BudgetAction
  /** Alert channels its alerts go to; empty: the alert rules decide, as for anomalies. */
  channels: string[]
}

/** Where a budget is defined: the API (stored) or the server's budgets file; the API's wins. */
export type BudgetSource = 'api' | 'file'

/**
 * Where a budget's period is heading, from the recent rate and the product's weekly rhythm
 * (docs/budgets.md "Forecast"): `weekly_rhythm` with a week or more of history, `flat_rate` with
 * less, `no_history` with none (nothing more is expected).
 */
export interface BudgetForecast {
  method: 'weekly_rhythm' | 'flat_rate' | 'no_history'
  /** Spend expected by the reset: what is spent plus what the rate adds. */
  end_of_period_usd: number
  /** When the amount is reached at this rate (ISO); null when not before the reset, or already spent. */
  runs_out_at: string | null
  /** One sentence: "At this rate acme runs out on Tue 23 Dec around 14:00 (Europe/Paris), 8 days before it resets." */
  summary: string
}

/** A budget's current period and its spend (GET /api/budgets). */
export interface BudgetStatus {
  /** The current period: [period_start, resets_at), ISO. */
  period_start: string
  resets_at: string
  spent_usd: number
  /** amountUsd − spent, never below 0. */
  remaining_usd: number
  /** spent ÷ amount (1 or more: spent). */
  used: number
  /** The thresholds reached in this period. */
  thresholds_reached: number[]
  /**
   * Calls the SDK refused under this budget in this period, as its processes reported them
   * (`POST /v1/budgets/blocked`); a call refused by several spent budgets counts under each.
   */
  blocked_calls: number
  forecast: BudgetForecast
}

/** One budget as GET /api/budgets and PUT /api/budgets/:id answer it. */
export interface Budget extends BudgetDefinition {
  id: string
  source: BudgetSource
  /** Who last changed it through the API (`key <id>`, `user <name>`, `open`) and when; null for the file's. */
  changed_at: string | null
  changed_by: string | null
  status: BudgetStatus
}

/** GET /api/budgets. */
export interface BudgetList {
  /** When the spend was read (ISO). */
  as_of: string
  budgets: Budget[]
}

/** What a budget alert is about: a threshold reached, or a forecast that the amount runs out before the reset. */
export const BUDGET_ALERT_KINDS = ['budget_threshold', 'budget_forecast'] as const
export type BudgetAlertKind = (typeof BUDGET_ALERT_KINDS)[number]

/** One budget alert, as the alert channels carry it (docs/alerts.md); sent once per period. */
export interface BudgetAlert {
  /** `budget:<budget id>:<period start, ISO>:threshold:0.8` or `…:forecast`: the same alert is never sent twice. */
  id: string
  kind: BudgetAlertKind
  budget_id: string
  budget_name: string
  filters: Filter[]
  action: BudgetAction
  period: BudgetPeriod
  time_zone: string
  period_start: string
  resets_at: string
  /** The threshold reached (threshold alerts), as a share of the amount. */
  threshold: number | null
  amount_usd: number
  spent_usd: number
  used: number
  forecast_usd: number
  runs_out_at: string | null
  /** One sentence for a person. */
  summary: string
}

/** The figures of one period in a report (`spendlens report`, GET /api/report). */
export interface ReportTotals {
  /** null when no call in the period has a known price (an unknown cost is not $0). */
  cost_usd: number | null
  requests: number
  input_tokens: number
  output_tokens: number
  total_tokens: number
  /** Calls without a known price: their cost is in no figure of the report. */
  unpriced_count: number
}

/** A change from the previous period: `period − previous`, and that as a share of `previous` (null when it was 0). */
export interface ReportChange {
  cost_usd: number
  cost_ratio: number | null
  requests: number
  requests_ratio: number | null
  total_tokens: number
  total_tokens_ratio: number | null
}

/** One value of a `by` dimension whose cost moved between the two periods. */
export interface ReportMover {
  value: string | null
  cost_usd: number
  previous_cost_usd: number
  change_usd: number
  /** change ÷ previous; null when the value cost nothing before (new). */
  change_ratio: number | null
}

/** The largest increases and decreases in money of one dimension's values. */
export interface ReportMovers {
  dimension: Dimension
  increases: ReportMover[]
  decreases: ReportMover[]
}

/** How much of the providers' invoice the tracked events explain over the report's UTC days (GET /api/invoice/reconcile's totals). */
export interface ReportInvoice {
  /** The UTC days reconciled, [from, to): the days the report's period touches (invoices are cut in UTC days). */
  from: string
  to: string
  invoiced_usd: number
  tracked_usd: number
  gap_usd: number
  coverage: number | null
  dominant: GapPart | null
  summary: string
  /** Tracked cost on days or providers no synced invoice covers yet: in no figure above. */
  tracked_outside_invoice_usd: number
  /** The providers whose invoice is synced into the project. */
  providers: InvoiceProviderName[]
}

/** A budget's state as a report shows it. */
export interface ReportBudget {
  id: string
  name: string
  period: BudgetPeriod
  amount_usd: number
  spent_usd: number
  remaining_usd: number
  used: number
  resets_at: string
  /** The forecast spend by the reset, and when it runs out at that rate (null: it does not). */
  forecast_usd: number
  runs_out_at: string | null
}

/** GET /api/report and `spendlens report --format json` (docs/cli.md "report"). */
export interface SpendReport {
  project: string
  time_zone: string
  generated_at: string
  /** [from, to), ISO; `name` as asked (`last-month`, `2026-11-01..2026-11-30`). */
  period: { name: string; from: string; to: string }
  previous_period: { from: string; to: string }
  totals: ReportTotals
  previous_totals: ReportTotals
  change: ReportChange
  /** One entry per `by` dimension, in the order asked. */
  movers: ReportMovers[]
  /** null when no provider's invoice is synced into the project. */
  invoice: ReportInvoice | null
  /** Open and acknowledged anomalies (not yet resolved), most money at stake first. */
  anomalies: { open: number; acknowledged: number; money_at_stake_usd: number; top: Anomaly[] }
  budgets: ReportBudget[]
}
