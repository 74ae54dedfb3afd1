import type { Scope } from '../lib/scope'
import { scopeQuery } from '../lib/scope'
import { allAtOnce, type ViewContext, type ViewRequests } from './view-requests'

/** Tokens and cost per call by prompt template (both charts and the table). */
export const promptsQuery = (scope: Scope) =>
  scopeQuery(scope, {
    groupBy: ['prompt_id'],
    metrics: [
      'requests',
      'cost_usd',
      'cost_per_request',
      'input_tokens',
      'output_tokens',
      'avg_tokens_per_request',
      'cache_hit_rate',
      'p95_latency_ms',
      'error_rate',
      'unpriced_count',
    ],
    orderBy: { metric: 'cost_usd', direction: 'desc' },
    limit: 200,
  })

/** The prompts view: one query. */
export const promptsRequests = ({ scope }: ViewContext): ViewRequests =>
  allAtOnce([{ name: 'prompts', request: promptsQuery(scope) }])
