import { describe, expect, it } from 'vitest'
import { type CallFacts, compileFilters, dimensionValue, inScope } from './budget-scope.js'
import type { BudgetFilter } from './budget-wire.js'

const call = (overrides: Partial<CallFacts> = {}): CallFacts => ({
  provider: 'openai',
  model: 'gpt-4o-mini',
  operation: 'chat',
  tags: { customer_id: 'acme', feature: 'chat', plan: 'pro' },
  providerProject: null,
  serviceTier: null,
  status: 'ok',
  ...overrides,
})

const matches = (filters: BudgetFilter[], facts: CallFacts) => inScope(compileFilters(filters), facts)

describe('a budget scope matched against a call, as the store would hold it', () => {
  it('reads attribution fields, tags and call fields', () => {
    const facts = call()
    expect(dimensionValue(facts, 'customer_id')).toBe('acme')
    expect(dimensionValue(facts, 'tags.plan')).toBe('pro')
    expect(dimensionValue(facts, 'model')).toBe('gpt-4o-mini')
    expect(dimensionValue(facts, 'status')).toBe('ok')
  })

  it('a missing attribution value or tag is `unattributed`; a missing tier or provider project none', () => {
    const facts = call({ tags: {} })
    expect(dimensionValue(facts, 'user_id')).toBe('unattributed')
    expect(dimensionValue(facts, 'tags.team')).toBe('unattributed')
    // The attribution fields are columns, never free-form tags.
    expect(dimensionValue(call(), 'tags.customer_id')).toBe('unattributed')
    expect(dimensionValue(facts, 'service_tier')).toBeNull()
    expect(matches([{ dimension: 'service_tier', op: 'not_in', values: ['flex'] }], facts)).toBe(true)
    expect(matches([{ dimension: 'service_tier', op: 'in', values: ['flex'] }], facts)).toBe(false)
  })

  it('every filter must hold: eq, in, and not_in', () => {
    const facts = call()
    expect(matches([], facts)).toBe(true)
    expect(matches([{ dimension: 'customer_id', op: 'eq', values: ['acme'] }], facts)).toBe(true)
    expect(
      matches(
        [
          { dimension: 'customer_id', op: 'in', values: ['acme', 'globex'] },
          { dimension: 'feature', op: 'not_in', values: ['chat'] },
        ],
        facts,
      ),
    ).toBe(false)
    expect(
      matches([{ dimension: 'customer_id', op: 'eq', values: ['unattributed'] }], call({ tags: {} })),
    ).toBe(true)
  })
})
