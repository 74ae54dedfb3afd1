import { describe, expect, it } from 'vitest'
import { groupUnpricedModels } from './unpriced-models'

describe('groupUnpricedModels', () => {
  it('folds the per-feature rows into one entry per provider and model, most calls first', () => {
    const models = groupUnpricedModels([
      {
        provider: 'openai',
        model: 'ft-a',
        feature: 'chat',
        requests: 2,
        input_tokens: 10,
        output_tokens: 1,
        first_seen_ms: 500,
        last_seen_ms: 900,
      },
      {
        provider: 'other',
        model: 'ft-a',
        feature: 'chat',
        requests: 1,
        input_tokens: 7,
        output_tokens: 0,
        first_seen_ms: 50,
        last_seen_ms: 50,
      },
      {
        provider: 'openai',
        model: 'ft-a',
        feature: 'search',
        requests: 3,
        input_tokens: 20,
        output_tokens: 2,
        first_seen_ms: 100,
        last_seen_ms: 600,
      },
    ])
    expect(models).toEqual([
      {
        provider: 'openai',
        model: 'ft-a',
        // 2 + 3 calls, 10 + 20 and 1 + 2 tokens; the earliest first and the latest last call.
        requests: 5,
        input_tokens: 30,
        output_tokens: 3,
        first_seen_ms: 100,
        last_seen_ms: 900,
        features: [
          { feature: 'search', requests: 3 },
          { feature: 'chat', requests: 2 },
        ],
      },
      // The same model name from another provider is another model.
      {
        provider: 'other',
        model: 'ft-a',
        requests: 1,
        input_tokens: 7,
        output_tokens: 0,
        first_seen_ms: 50,
        last_seen_ms: 50,
        features: [{ feature: 'chat', requests: 1 }],
      },
    ])
  })
})
