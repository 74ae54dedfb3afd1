import type { ViewName } from '../lib/view-state'
import { anomaliesRequests } from './anomalies-queries'
import { breakdownsRequests } from './breakdowns-queries'
import { budgetsRequests } from './budgets-queries'
import { customerRequests } from './customer-queries'
import { customersRequests } from './customers-queries'
import { invoiceRequests } from './invoice-queries'
import { latencyRequests } from './latency-queries'
import { modelsRequests } from './models-queries'
import { overviewRequests } from './overview-queries'
import { promptsRequests } from './prompts-queries'
import { requestsRequests } from './requests-queries'
import { unpricedRequests } from './unpriced-queries'
import type { ViewContext, ViewRequests } from './view-requests'

/** Every view's API requests for its state (its panels ask through the same functions). */
export const VIEW_REQUESTS: Record<ViewName, (context: ViewContext) => ViewRequests> = {
  overview: overviewRequests,
  breakdowns: breakdownsRequests,
  customers: customersRequests,
  customer: customerRequests,
  models: modelsRequests,
  prompts: promptsRequests,
  latency: latencyRequests,
  requests: requestsRequests,
  anomalies: anomaliesRequests,
  budgets: budgetsRequests,
  invoice: invoiceRequests,
  unpriced: unpricedRequests,
}
