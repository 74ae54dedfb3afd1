export * from './api/api-types.js'
export { type DemoOptions, generateDemoEvents, loadDemo } from './demo/demo-data.js'
export {
  type DemoInvoiceOptions,
  type DemoInvoiceTruth,
  generateDemoInvoice,
  type PlantedPart,
} from './demo/demo-invoice.js'
export { type AppOptions, createApp } from './http/create-app.js'
export { type BatchItem, type IngestResult, ingestEvents } from './ingest/ingest-events.js'
export * from './query/analytics-query.js'
export { ALERT_DELIVERIES_TABLE, type AlertDelivery } from './schema/alert-deliveries-table.js'
export { ANOMALIES_TABLE, type AnomalyRecord } from './schema/anomalies-table.js'
export { type RunningServer, type StartServerOptions, startServer } from './start-server.js'
export { openDuckDBStore } from './store/duckdb/duckdb-store.js'
export { type ClickHouseTarget, clickhouseDdl, openStore } from './store/open-store.js'
export type { AppendResult, AppendStatus, Store } from './store/store.js'
