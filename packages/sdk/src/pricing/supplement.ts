import type { Usage } from '../cost-event.js'
import type { CustomModelPrice } from './custom-model-price.js'
import data from './supplement.json' with { type: 'json' }

/**
 * One published price the catalog lacks, as reviewed: the price (priced like a custom price) and
 * where and when a person read it, so a reviewer can check it against the provider's page.
 */
export interface SupplementEntry extends CustomModelPrice {
  /** Recorded in `price_source` as `spendlens-supplement:<label>`. */
  label: string
  /** The provider's page the price was read from (https). */
  source: string
  /** The UTC day (`YYYY-MM-DD`) the price was last checked against `source`. */
  checked: string
  /**
   * The price of this service tier only (OpenAI `priority`): consulted, before the catalog, for calls
   * the provider answered in that tier, and for no other call.
   */
  service_tier?: string
  /**
   * Price keys the catalog's entry for the model lacks (e.g. `input_audio_mtok` of an audio
   * snapshot): while the catalog's entry lacks any of them, this entry prices the model instead.
   */
  fills?: string[]
}

/** The usage fields billed per call or per session, which a per-unit price can apply to. */
export const PER_CALL_UNITS = [
  'web_search_requests',
  'file_search_requests',
  'web_fetch_requests',
  'code_interpreter_sessions',
] as const satisfies readonly (keyof Usage)[]
export type PerCallUnit = (typeof PER_CALL_UNITS)[number]

/** A model id, or every id that starts with a prefix (as in supplement entries). */
export type ModelMatch = string | { startsWith: string }

/**
 * A provider's price for one unit billed per call or per session (a tool's call fee), for every
 * model whose catalog entry has no price of its own for the unit; reviewed like the entries.
 */
export interface UnitPrice {
  provider: string
  unit: PerCallUnit
  /** Only these models (the first record of a provider and unit that matches the model applies). */
  model?: ModelMatch
  /** US dollars per unit (per call, per session). 0: counted, no fee of its own. */
  usd: number
  /**
   * `request`: one fee per call that used the unit at all, however many it counted (Gemini 2.x
   * bills a grounded prompt once, whatever number of searches it ran). Default `unit`: each one.
   */
  per?: 'unit' | 'request'
  /**
   * A free allowance the provider grants before this price applies (`1,500 grounded prompts per day`),
   * as the source states it. spendlens cannot see how much of it is left, so a call priced with this
   * fee is `estimated`: the fee is what the call costs once the allowance is spent (an upper bound).
   */
  allowance?: string
  /** Recorded in `price_source` as `+<label>` where this price was added to the call's cost. */
  label: string
  source: string
  checked: string
  /**
   * The provider bills the unit by something no response says (how long a container ran): `usd` is
   * the most one unit costs and a call's cost with it is `estimated`, never passed off as exact.
   */
  estimated?: boolean
}

/**
 * What a deployment type or endpoint does to a provider's list prices (the catalog's are Azure's
 * Global and Vertex's global endpoint's): a multiplier, reviewed like the entries.
 */
export interface DeploymentPrice {
  provider: string
  /** As wrap() is told it (`deployment: 'data-zone'`) or reads it from the client (Vertex region). */
  deployment: string
  /** Only these models; every model of the provider when absent. */
  model?: ModelMatch
  /** Models `model` matches that the multiplier does not apply to (older models keep their price). */
  except?: ModelMatch[]
  /** Multiplies the list price (1.1: 10% above it). */
  factor: number
  /**
   * The provider publishes a price per model, not this factor: the factor is spendlens' reading of
   * the typical difference and calls priced with it are `estimated`.
   */
  estimated?: boolean
  /** Recorded in `price_source` as `+<label>`. */
  label: string
  source: string
  checked: string
}

const DAY = /^\d{4}-\d{2}-\d{2}$/
const KEYS = new Set([
  'provider',
  'model',
  'prices',
  'from',
  'until',
  'label',
  'source',
  'checked',
  'service_tier',
  'fills',
])
const UNIT_KEYS = new Set([
  'provider',
  'unit',
  'model',
  'usd',
  'per',
  'allowance',
  'label',
  'source',
  'checked',
  'estimated',
])
const DEPLOYMENT_KEYS = new Set([
  'provider',
  'deployment',
  'model',
  'except',
  'factor',
  'estimated',
  'label',
  'source',
  'checked',
])

const isModelMatch = (model: unknown): model is ModelMatch =>
  (typeof model === 'string' && model.length > 0) ||
  (typeof model === 'object' &&
    model !== null &&
    Object.keys(model).join() === 'startsWith' &&
    typeof (model as { startsWith: unknown }).startsWith === 'string' &&
    (model as { startsWith: string }).startsWith.length > 0)

/** Whether `model` is matched by `rule` (an exact id or a prefix). */
export function matchesModel(rule: ModelMatch, model: string): boolean {
  return typeof rule === 'string' ? rule === model : model.startsWith(rule.startsWith)
}

/** The checks every reviewed record shares: known fields, a label, an https source, a checked day. */
function checker(record: Record<string, unknown>, where: string, keys: Set<string>) {
  const fail = (field: string, expected: string): never => {
    throw new Error(
      `spendlens supplement: ${where}.${field}: expected ${expected} (got ${JSON.stringify(record?.[field])})`,
    )
  }
  if (typeof record !== 'object' || record === null) fail('', 'an object')
  for (const key of Object.keys(record)) if (!keys.has(key)) fail(key, 'no such field')
  const text = (field: string) => typeof record[field] === 'string' && (record[field] as string).length > 0
  if (!text('provider')) fail('provider', 'a provider id')
  if (!text('label')) fail('label', 'a label')
  if (!text('source') || !/^https:\/\/\S+$/.test(record.source as string)) fail('source', 'an https URL')
  for (const field of ['checked', 'from', 'until'])
    if (
      (field === 'checked' || record[field] !== undefined) &&
      !(text(field) && DAY.test(record[field] as string))
    )
      fail(field, 'a day as YYYY-MM-DD')
  return { fail, text }
}

/**
 * The supplement file's entries, checked: a file with a mistake throws naming the entry and the
 * field, so a bad edit fails the first test that loads the SDK, never a live call. Written by hand
 * rather than with zod so that the SDK keeps the price catalog as its only dependency.
 */
export function parseSupplement(json: unknown): SupplementEntry[] {
  const entries = (json as { entries?: unknown } | null)?.entries
  if (!Array.isArray(entries)) throw new Error('spendlens supplement: expected { "entries": [...] }')
  return entries.map((entry: Record<string, unknown>, index) => {
    const { fail } = checker(entry, `entries.${index}`, KEYS)
    if (!isModelMatch(entry.model)) fail('model', 'a model id or { "startsWith": prefix }')
    const prices = entry.prices as Record<string, unknown> | undefined
    if (
      typeof prices !== 'object' ||
      prices === null ||
      Object.keys(prices).length === 0 ||
      !Object.values(prices).every((price) => typeof price === 'number' && price >= 0)
    )
      fail('prices', "the catalog's price keys with dollar amounts >= 0")
    if (entry.service_tier !== undefined && !(typeof entry.service_tier === 'string' && entry.service_tier))
      fail('service_tier', 'a service tier')
    const fills = entry.fills
    if (
      fills !== undefined &&
      !(
        Array.isArray(fills) &&
        fills.length > 0 &&
        fills.every(
          (key) => typeof key === 'string' && (prices as Record<string, unknown>)[key] !== undefined,
        )
      )
    )
      fail('fills', 'price keys the entry has')
    return entry as unknown as SupplementEntry
  })
}

/** The supplement file's per-unit prices (`units`), checked like its entries. */
export function parseUnitPrices(json: unknown): UnitPrice[] {
  const units = (json as { units?: unknown } | null)?.units ?? []
  if (!Array.isArray(units)) throw new Error('spendlens supplement: expected "units": [...]')
  return units.map((unit: Record<string, unknown>, index) => {
    const { fail } = checker(unit, `units.${index}`, UNIT_KEYS)
    if (!PER_CALL_UNITS.includes(unit.unit as PerCallUnit)) fail('unit', PER_CALL_UNITS.join(' or '))
    if (!(typeof unit.usd === 'number' && unit.usd >= 0)) fail('usd', 'a dollar amount >= 0')
    if (unit.estimated !== undefined && typeof unit.estimated !== 'boolean')
      fail('estimated', 'true or false')
    if (unit.model !== undefined && !isModelMatch(unit.model))
      fail('model', 'a model id or { "startsWith": prefix }')
    if (unit.per !== undefined && unit.per !== 'unit' && unit.per !== 'request')
      fail('per', 'unit or request')
    if (unit.allowance !== undefined && !(typeof unit.allowance === 'string' && unit.allowance))
      fail('allowance', 'the free allowance as the source states it')
    return unit as unknown as UnitPrice
  })
}

/** The supplement file's deployment multipliers (`deployments`), checked like its entries. */
export function parseDeploymentPrices(json: unknown): DeploymentPrice[] {
  const deployments = (json as { deployments?: unknown } | null)?.deployments ?? []
  if (!Array.isArray(deployments)) throw new Error('spendlens supplement: expected "deployments": [...]')
  return deployments.map((record: Record<string, unknown>, index) => {
    const { fail, text } = checker(record, `deployments.${index}`, DEPLOYMENT_KEYS)
    if (!text('deployment')) fail('deployment', 'a deployment type')
    if (record.model !== undefined && !isModelMatch(record.model))
      fail('model', 'a model id or { "startsWith": prefix }')
    if (
      record.except !== undefined &&
      !(Array.isArray(record.except) && record.except.length > 0 && record.except.every(isModelMatch))
    )
      fail('except', 'model ids or { "startsWith": prefix }')
    if (!(typeof record.factor === 'number' && record.factor > 0)) fail('factor', 'a multiplier > 0')
    if (record.estimated !== undefined && typeof record.estimated !== 'boolean')
      fail('estimated', 'true or false')
    return record as unknown as DeploymentPrice
  })
}

/** spendlens' supplement (supplement.json), checked at load. */
export const SUPPLEMENT: readonly SupplementEntry[] = parseSupplement(data)

/** spendlens' per-unit prices (supplement.json `units`), checked at load. */
export const UNIT_PRICES: readonly UnitPrice[] = parseUnitPrices(data)

/** spendlens' deployment multipliers (supplement.json `deployments`), checked at load. */
export const DEPLOYMENT_PRICES: readonly DeploymentPrice[] = parseDeploymentPrices(data)

/** The deployment types of each provider the supplement knows (the list price's own included). */
export function deploymentTypes(provider: string): string[] {
  return [
    ...new Set([
      ...(LIST_PRICE_DEPLOYMENT[provider] ? [LIST_PRICE_DEPLOYMENT[provider]] : []),
      ...DEPLOYMENT_PRICES.filter((price) => price.provider === provider).map((price) => price.deployment),
    ]),
  ]
}

/** The providers whose prices depend on a deployment type the supplement knows. */
export function deploymentProviders(): string[] {
  return [
    ...new Set([...Object.keys(LIST_PRICE_DEPLOYMENT), ...DEPLOYMENT_PRICES.map((price) => price.provider)]),
  ]
}

/** The deployment whose prices the catalog's are, per provider: no multiplier, no note. */
export const LIST_PRICE_DEPLOYMENT: Record<string, string> = { azure: 'global', vertex: 'global' }
