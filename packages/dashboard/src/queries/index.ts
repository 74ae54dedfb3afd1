// The API requests the dashboard's views send, as plain functions of the view's state: the views ask
// through them, and bench:store times exactly them (bundled for Node by bench/dashboard-queries.mjs).
// No React here.
export { buildScope } from '../lib/scope'
export { DEFAULT_VIEW } from '../lib/view-state'
export * from './all-views'
export * from './view-requests'
