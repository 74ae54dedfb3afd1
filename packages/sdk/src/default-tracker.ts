import { createTracker, type Tracker, type TrackerOptions } from './tracker.js'

let defaultTracker: Tracker | undefined

/** The tracker `wrap()`, `flush()`, the middlewares and `init()` share. */
export function defaultTrackerOf(): Tracker {
  // Like every tracker, it is flushed on beforeExit, exit, SIGTERM and SIGINT (flush-on-exit.ts).
  defaultTracker ??= createTracker()
  return defaultTracker
}

/** Configures the default tracker used by {@link wrap} and {@link flush}. Call once at start-up. */
export function init(options: TrackerOptions = {}): Tracker {
  defaultTracker = createTracker(options)
  return defaultTracker
}
