import { costBreakdownQueries, requestsCostScatterQuery, unitEconomicsCall } from './panel-queries'
import { allAtOnce, type ViewContext, type ViewRequests } from './view-requests'

/** Customers the table lists before "Others". */
export const CUSTOMER_TABLE_ROWS = 50
/** Customers and users drawn in the scatters: the top ones by cost, the rest stated. */
export const CUSTOMER_POINTS = 100
export const USER_POINTS = 200

/** The customers view: top customers (bars and table), the totals, both scatters and unit economics. */
export function customersRequests({ scope, view }: ViewContext): ViewRequests {
  const customers = costBreakdownQueries(scope, 'customer_id', CUSTOMER_TABLE_ROWS)
  return allAtOnce([
    { name: 'customers', request: customers.breakdown },
    { name: 'totals', request: customers.totals },
    { name: 'scatter: customers', request: requestsCostScatterQuery(scope, 'customer_id', CUSTOMER_POINTS) },
    { name: 'scatter: users', request: requestsCostScatterQuery(scope, 'user_id', USER_POINTS) },
    unitEconomicsCall(scope, view),
  ])
}
