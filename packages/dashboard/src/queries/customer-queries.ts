import type { Dimension, Filter, QueryRequest } from '@spendlens/server/api-types'
import { type Scope, scopeQuery } from '../lib/scope'
import { costBreakdownQueries, costOverTimeRequests } from './panel-queries'
import { summaryQueries } from './summary-queries'
import { allAtOnce, combine, named, type ViewContext, type ViewRequests } from './view-requests'

/** The filter every panel of a customer's page adds to the scope's. */
export const customerFilter = (customer: string): Filter[] => [
  { dimension: 'customer_id', op: 'in', values: [customer] },
]

/** The customer's tables, by what they break its cost down by. */
export const CUSTOMER_TABLES: { dimension: Dimension; label: string; testId: string }[] = [
  { dimension: 'feature', label: 'Feature', testId: 'customer-features' },
  { dimension: 'model', label: 'Model', testId: 'customer-models' },
  { dimension: 'user_id', label: 'User', testId: 'customer-users' },
  { dimension: 'prompt_id', label: 'Prompt template', testId: 'customer-prompts' },
]

/** Rows of each of the customer's tables before "Others". */
export const CUSTOMER_TABLE_ROWS = 20
/** The customer's conversations listed. */
export const CONVERSATIONS = 50

/** One of the customer's tables: its cost by a dimension. */
export const customerTableQuery = (scope: Scope, dimension: Dimension, only: Filter[]) =>
  costBreakdownQueries(scope, dimension, CUSTOMER_TABLE_ROWS, only).breakdown

/** The customer's conversations (session_id) by cost. */
export const conversationsQuery = (scope: Scope, only: Filter[]): QueryRequest =>
  scopeQuery(scope, {
    groupBy: ['session_id'],
    metrics: ['requests', 'cost_usd', 'cost_per_request', 'total_tokens', 'avg_latency_ms', 'error_rate'],
    orderBy: { metric: 'cost_usd', direction: 'desc' },
    limit: CONVERSATIONS,
    filters: only,
  })

/** A customer's page: its summary, its cost over time by feature, its tables and conversations. */
export function customerRequests({ scope, view }: ViewContext): ViewRequests {
  const only = customerFilter(view.customer ?? '')
  const summary = summaryQueries(scope, only)
  return combine([
    allAtOnce([
      { name: 'summary', request: summary.current },
      named('summary, previous period', summary.previous),
    ]),
    costOverTimeRequests('cost chart', scope, 'feature', only),
    allAtOnce([
      ...CUSTOMER_TABLES.map(({ dimension }) => ({
        name: `table: ${dimension}`,
        request: customerTableQuery(scope, dimension, only),
      })),
      { name: 'conversations', request: conversationsQuery(scope, only) },
    ]),
  ])
}
