import { describe, expect, it } from 'vitest'
import { createUnpricedWarning } from './unpriced-models.js'

describe('createUnpricedWarning', () => {
  it('warns once per project and model: the same model in another project is warned about again', () => {
    const warned: unknown[] = []
    const warn = createUnpricedWarning((fields) => warned.push(fields))
    const acme = { provider: 'openai', model: 'acme-ft', requests: 3 }
    warn('default', [acme])
    warn('default', [acme, { provider: 'anthropic', model: 'acme-ft', requests: 1 }])
    warn('billing', [acme])
    expect(warned).toEqual([
      { project: 'default', provider: 'openai', model: 'acme-ft' },
      { project: 'default', provider: 'anthropic', model: 'acme-ft' },
      { project: 'billing', provider: 'openai', model: 'acme-ft' },
    ])
  })
})
