// The models the What if panel offers to price the calls at: current models of the providers the
// price catalog knows, cheapest first within each provider, and the models the scope's calls used.

import type { WhatIfTarget, WhatIfTier } from '@spendlens/server/api-types'

export const WHAT_IF_MODELS: readonly { provider: string; models: readonly string[] }[] = [
  {
    provider: 'openai',
    models: [
      'gpt-5-nano',
      'gpt-4.1-nano',
      'gpt-4o-mini',
      'gpt-5-mini',
      'gpt-4.1-mini',
      'o4-mini',
      'gpt-5',
      'gpt-4.1',
      'o3',
      'gpt-4o',
    ],
  },
  {
    provider: 'anthropic',
    models: [
      'claude-3-5-haiku-latest',
      'claude-haiku-4-5',
      'claude-sonnet-4-5',
      'claude-sonnet-4-0',
      'claude-opus-4-1',
    ],
  },
  { provider: 'google', models: ['gemini-2.5-flash-lite', 'gemini-2.5-flash', 'gemini-2.5-pro'] },
  { provider: 'mistral', models: ['mistral-small-latest'] },
  { provider: 'deepseek', models: ['deepseek-chat'] },
]

export const WHAT_IF_TIER_OPTIONS: readonly { key: WhatIfTier; label: string }[] = [
  { key: 'as_recorded', label: 'As recorded' },
  { key: 'standard', label: 'Standard' },
  { key: 'batch', label: 'Batch' },
  { key: 'flex', label: 'Flex' },
]

/** `openai/gpt-4o-mini` → the target; undefined for anything else. */
export function parseTarget(value: string | undefined, tier: WhatIfTier): WhatIfTarget | undefined {
  if (!value) return undefined
  const slash = value.indexOf('/')
  if (slash <= 0 || slash === value.length - 1) return undefined
  return { provider: value.slice(0, slash), model: value.slice(slash + 1), tier }
}

export const targetKey = (provider: string, model: string) => `${provider}/${model}`
