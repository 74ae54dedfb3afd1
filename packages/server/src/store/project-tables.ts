import { ALERT_CONFIGS_TABLE } from '../schema/alert-configs-table.js'
import { ALERT_DELIVERIES_TABLE } from '../schema/alert-deliveries-table.js'
import { ANOMALIES_TABLE } from '../schema/anomalies-table.js'
import { BUDGETS_TABLE } from '../schema/budgets-table.js'
import { INVOICE_SYNC_TABLE } from '../schema/invoice-sync-table.js'
import { INVOICE_TABLE } from '../schema/invoice-table.js'
import { OUTCOMES_TABLE } from '../schema/outcomes-table.js'
import { DEFAULT_PROJECT } from '../schema/projects.js'
import { REVENUE_TABLE } from '../schema/revenue-table.js'

/**
 * The tables besides the events and their rollups that keep a project's data, each in a `project`
 * column holding the project's name: what `Store.dropProject` deletes with the events. Keys and
 * users stay: they are who may use the project, not its data.
 */
export const PROJECT_DATA_TABLES: readonly string[] = [
  INVOICE_TABLE,
  INVOICE_SYNC_TABLE,
  OUTCOMES_TABLE,
  REVENUE_TABLE,
  ANOMALIES_TABLE,
  BUDGETS_TABLE,
  ALERT_CONFIGS_TABLE,
  ALERT_DELIVERIES_TABLE,
].map((table) => table.name)

/** The default project is never dropped: it is where a server without keys writes. */
export function checkDroppable(project: string): string {
  if (project === DEFAULT_PROJECT) throw new Error('the default project cannot be dropped')
  return project
}
