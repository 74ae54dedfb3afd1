import { describe, expect, it } from 'vitest'
import { definitionOfDraft, newDraft } from './budget-draft'

describe('definitionOfDraft', () => {
  it('turns the form’s text into the definition PUT takes: dollars, shares, listed values', () => {
    const draft = {
      ...newDraft('Europe/Paris'),
      id: 'acme-monthly',
      amount: '$1,500.50',
      thresholds: '25, 90%, 100',
      scope: [{ dimension: ' customer_id ', op: 'in' as const, values: 'acme, globex ,' }],
    }
    expect(definitionOfDraft(draft)).toEqual({
      definition: {
        name: 'acme-monthly',
        filters: [{ dimension: 'customer_id', op: 'in', values: ['acme', 'globex'] }],
        period: 'month',
        timeZone: 'Europe/Paris',
        amountUsd: 1500.5,
        thresholds: [0.25, 0.9, 1],
        action: 'alert',
        channels: [],
      },
    })
  })

  it('starts a new budget at the default thresholds, 50, 80 and 100%', () => {
    expect(newDraft('UTC').thresholds).toBe('50, 80, 100')
  })

  it('refuses an amount or a threshold that is not a number, leaving the rest to the server', () => {
    expect(definitionOfDraft({ ...newDraft('UTC'), id: 'x', amount: 'lots' })).toEqual({
      problem: 'The amount is a number of dollars.',
    })
    expect(definitionOfDraft({ ...newDraft('UTC'), id: 'x', amount: '5', thresholds: '50, most' })).toEqual({
      problem: 'Thresholds are percentages of the amount, such as 50, 80, 100.',
    })
    // A negative amount is the server's to refuse, in its words.
    expect('definition' in definitionOfDraft({ ...newDraft('UTC'), id: 'x', amount: '-5' })).toBe(true)
  })
})
