import { asNumber, asText, recordColumn, recordTable } from './record-table.js'

/**
 * A project's alerts configuration set through the API (`PUT /api/alerts/config`), which the
 * project uses instead of the server's `--alerts` file. Cleared (`DELETE`), the record stays with
 * an empty `config`, so that a later write by another server cannot be mistaken for an older one
 * and record tables need no delete.
 */
export interface AlertConfigRecord {
  project: string
  /**
   * The configuration as ALERTS_CONFIG_SCHEMA parsed it (alerts/alerts-config.ts), as JSON, secrets
   * included: the server needs them to send. '' once cleared.
   */
  config: string
  changedAt: number
  /** Who set it: `key <id>`, `user <name>`, or `open` on a server without keys. */
  changedBy: string
}

export const ALERT_CONFIGS_TABLE = recordTable<AlertConfigRecord>(
  'spendlens_alert_configs',
  'project',
  [
    recordColumn.text('project', (record) => record.project),
    recordColumn.text('config', (record) => record.config),
    recordColumn.time('changed_at', (record) => record.changedAt, false),
    recordColumn.text('changed_by', (record) => record.changedBy),
  ],
  (row) => ({
    project: asText(row.project),
    config: asText(row.config),
    changedAt: asNumber(row.changed_at) ?? 0,
    changedBy: asText(row.changed_by),
  }),
)
