import type { BatchItem } from '../ingest/ingest-events.js'

/** A batch of records read from a source, each with where it came from (`line 7`, `row 12`, `event abc`). */
export interface SourceBatch {
  items: BatchItem[]
  labels: string[]
  /** Whose events they are, when the source says (another store); a file does not. */
  project?: string
}
