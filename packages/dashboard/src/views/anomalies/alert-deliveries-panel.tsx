import { useMemo } from 'react'
import { DataTable } from '../../components/data-table'
import { Panel, QueryBody } from '../../components/panel'
import { useDashboard } from '../../hooks/dashboard-context'
import { useAlertDeliveries } from '../../hooks/use-anomalies'
import { DELIVERY_LIMIT } from '../../lib/anomalies-api'
import { deliveryColumns } from './anomaly-columns'

/**
 * The alert messages sent about the project's anomalies, newest first: did on-call get told, and if
 * not, why. An empty log says which case it is: no channels configured, or nothing matched yet.
 */
export function AlertDeliveriesPanel() {
  const { scope } = useDashboard()
  const deliveries = useAlertDeliveries()
  const columns = useMemo(() => deliveryColumns(scope.timeZone), [scope.timeZone])
  return (
    <Panel
      title="Alerts sent"
      subtitle="Each message to Slack, a webhook or email, with its attempts"
      wide
      testId="alert-deliveries-panel"
    >
      <QueryBody
        state={deliveries}
        what="the alert delivery log"
        isEmpty={(data) => data.deliveries.length === 0}
        empty={
          deliveries.data?.alerts_configured ? (
            <p data-testid="alert-deliveries-empty" data-configured="true">
              No alert has been sent for this project yet: its alert channels are configured, and no anomaly
              or budget has matched a rule so far.
            </p>
          ) : (
            <p data-testid="alert-deliveries-empty" data-configured="false">
              Alerts are not configured for this project, so none is sent: an admin sets its channels and
              rules (<code>PUT /api/alerts/config</code>) or starts the server with{' '}
              <code>spendlens serve --alerts &lt;file&gt;</code> (docs/alerts.md).
            </p>
          )
        }
      >
        {(data) => (
          <DataTable
            title="Alerts sent"
            columns={columns}
            rows={data.deliveries}
            rowKey={(row) => row.id}
            testId="alert-deliveries"
            caption={`The last ${DELIVERY_LIMIT} messages at most, newest first · times in ${scope.timeZone}`}
          />
        )}
      </QueryBody>
    </Panel>
  )
}
