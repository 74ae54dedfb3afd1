// The POST /api/query bodies the dashboard's views send, as plain functions of the view's scope:
// the views ask through them, and bench:store times exactly them (bundled for Node by
// bench/dashboard-queries.mjs). No React here.
export { buildScope } from '../lib/scope'
export { DEFAULT_VIEW } from '../lib/view-state'
export * from './overview-queries'
export * from './series-queries'
export * from './summary-queries'
