import { useMemo } from 'react'
import { DataTable } from '../../components/data-table'
import { Panel, QueryBody } from '../../components/panel'
import { useDashboard } from '../../hooks/dashboard-context'
import { useAlertDeliveries } from '../../hooks/use-anomalies'
import { DELIVERY_LIMIT } from '../../lib/anomalies-api'
import { deliveryColumns } from './anomaly-columns'

/**
 * The alert messages sent about the project's anomalies, newest first: did on-call get told, and if
 * not, why. The server does not say whether alerts are configured, so an empty log says both.
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
          <p data-testid="alert-deliveries-empty">
            No alert has been sent for this project: either alerts are not configured (start the server with{' '}
            <code>spendlens serve --alerts &lt;file&gt;</code>, see docs/alerts.md) or no anomaly has matched
            a rule yet.
          </p>
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
