import type { BudgetGuard } from '../budgets/budget-guard.js'
import type { Tags } from '../cost-event.js'
import type { ContainerMemory } from '../providers/openai/container-memory.js'
import type { Sink } from '../sinks/sink.js'
import type { CallRecord } from './build-cost-event.js'

/**
 * A tracker as the code that observes calls sees it: `wrap()` and the AI SDK middleware start
 * calls through it (see start-call.ts) and hand it each finished call. Users get the narrower
 * public `Tracker` (tracker.ts); `recorderOf(tracker)` leads from one to the other.
 */
export interface Recorder {
  /** Tags on every call of this tracker, the lowest precedence. */
  readonly defaultTags: Tags
  /** Whether a call without a prompt_id gets one from a hash of its system prompt. */
  readonly hashPrompts: boolean
  /** The required-tags policy for one call's merged tags (may fill `unattributed` or throw). */
  applyTagPolicy(tags: Tags): Tags
  /** Takes a finished call. Returns at once; pricing and delivery happen off the caller's path. */
  record(call: CallRecord): void
  /** Prices pending calls and waits until every sink has delivered (or given up on) them. */
  flush(): Promise<void>
  /** Prices pending calls and makes them durable synchronously (disk spool, file): for exit and signal handlers. */
  flushSync(): void
  /** Where the events go; read by tests and diagnostics for each sink's `stats()`. */
  readonly sinks: readonly Sink[]
  /** spendlens' own problems, never thrown into the app. */
  warn(message: string): void
  /** The budgets checked before each call (NO_BUDGETS when off). */
  readonly budgets: BudgetGuard
  /** The code-interpreter containers already counted, so a reused one is not a new session. */
  readonly containers: ContainerMemory
}
