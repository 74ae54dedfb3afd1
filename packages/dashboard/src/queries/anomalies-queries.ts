import { ALERT_DELIVERIES_URL } from '../lib/anomalies-api'
import { anomaliesCall } from './panel-queries'
import { allAtOnce, type ViewContext, type ViewRequests } from './view-requests'

/** The anomalies view: the anomalies of the range (shared with the charts' markers) and the alert log. */
export const anomaliesRequests = ({ scope }: ViewContext): ViewRequests =>
  allAtOnce([anomaliesCall(scope), { name: 'alert deliveries', url: ALERT_DELIVERIES_URL }])
