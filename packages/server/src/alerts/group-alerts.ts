import type { Anomaly } from '../api/api-types.js'
import type { AnomalyMessage } from './alert-message.js'

/**
 * The messages one channel gets for the anomalies gathered in a window: the open ones in one
 * message (`anomaly.opened` when there is one, `anomaly.group` when there are more, so that a
 * storm of a hundred is one message, not a hundred), and the resolved ones in another. Each
 * lists the most money at stake first. Acknowledged and muted anomalies are nobody's news.
 * An anomaly seen twice in the window counts once, as its latest state.
 */
export function groupAlerts(anomalies: readonly Anomaly[]): AnomalyMessage[] {
  const latest = new Map<string, Anomaly>()
  for (const anomaly of anomalies) {
    latest.delete(anomaly.id)
    latest.set(anomaly.id, anomaly)
  }
  const byMoney = (list: Anomaly[]) =>
    list.sort((a, b) => (b.money_at_stake_usd || 0) - (a.money_at_stake_usd || 0) || a.id.localeCompare(b.id))
  const opened = byMoney([...latest.values()].filter((anomaly) => anomaly.state === 'open'))
  const resolved = byMoney([...latest.values()].filter((anomaly) => anomaly.state === 'resolved'))
  const messages: AnomalyMessage[] = []
  if (opened.length > 0)
    messages.push({ type: opened.length === 1 ? 'anomaly.opened' : 'anomaly.group', anomalies: opened })
  if (resolved.length > 0) messages.push({ type: 'anomaly.resolved', anomalies: resolved })
  return messages
}
