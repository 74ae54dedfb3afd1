import { ATTRIBUTION_FIELDS, type CostEvent, type Tags, UNATTRIBUTED } from '../cost-event.js'
import type { BudgetFilter } from './budget-wire.js'

/**
 * What a budget's scope is matched against: a call about to be made (its requested model, its
 * tags), or a call recorded (its event). Values as the store keeps them, so that the SDK's match
 * is the server's query: a missing attribution value or tag is `unattributed`; a missing service
 * tier or provider project is null.
 */
export interface CallFacts {
  provider: string
  /** Before the call, the model asked for; once recorded, the one the response named. */
  model: string | null
  operation: string
  /** Merged tags: the attribution fields and free-form tags alike. */
  tags: Tags
  providerProject: string | null
  serviceTier: string | null
  /** `ok` before the call (a call is expected to succeed). */
  status: string
}

const ATTRIBUTION = new Set<string>(ATTRIBUTION_FIELDS)

/** A dimension's value for a call, as the store would hold it; null for a value the event has none of. */
export function dimensionValue(facts: CallFacts, dimension: string): string | null {
  switch (dimension) {
    case 'provider':
      return facts.provider
    case 'model':
      return facts.model ?? 'unknown'
    case 'operation':
      return facts.operation
    case 'status':
      return facts.status
    case 'service_tier':
      return facts.serviceTier
    case 'provider_project':
      return facts.providerProject
  }
  if (ATTRIBUTION.has(dimension)) return tagValue(facts.tags[dimension])
  if (dimension.startsWith('tags.')) {
    const key = dimension.slice(5)
    // The attribution fields are columns of their own, never free-form tags.
    return ATTRIBUTION.has(key) ? UNATTRIBUTED : tagValue(facts.tags[key])
  }
  return null
}

const tagValue = (value: unknown) => (value === undefined || value === null ? UNATTRIBUTED : String(value))

/** One filter ready to test: its values in a Set. */
export interface CompiledFilter {
  dimension: string
  op: BudgetFilter['op']
  values: ReadonlySet<string>
}

export function compileFilters(filters: readonly BudgetFilter[]): CompiledFilter[] {
  return filters.map((filter) => ({
    dimension: filter.dimension,
    op: filter.op,
    values: new Set(filter.values),
  }))
}

/** Whether a call falls in a scope: every filter holds (`not_in` keeps a call without the value). */
export function inScope(filters: readonly CompiledFilter[], facts: CallFacts): boolean {
  for (const filter of filters) {
    const value = dimensionValue(facts, filter.dimension)
    const listed = value !== null && filter.values.has(value)
    if (filter.op === 'not_in' ? listed : !listed) return false
  }
  return true
}

/** The facts of a recorded call, from its event. */
export function factsOfEvent(event: CostEvent): CallFacts {
  const tags: Tags = { ...event.tags }
  for (const field of ATTRIBUTION_FIELDS) {
    const value = event[field]
    if (value !== null) tags[field] = value
  }
  return {
    provider: event.provider,
    model: event.model,
    operation: event.operation,
    tags,
    providerProject: event.provider_project,
    serviceTier: event.service_tier,
    status: event.status,
  }
}
