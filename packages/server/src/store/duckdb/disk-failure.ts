import { errorChainText } from '../store-unavailable.js'

/**
 * How a DuckDB failure that passes affects the open database (docs/storage.md, "When the disk fails"):
 * - `retry`: a commit could not write the write-ahead log (disk full, quota). DuckDB rolls the
 *   transaction back and stays usable: the next commit works once there is room.
 * - `reopen`: the database must be opened again. A failed checkpoint (disk full while the log is
 *   folded into the file, automatically once it passes checkpoint_threshold) invalidates the
 *   instance: every later statement fails until it is reopened, which replays the log. A read-only
 *   or failing filesystem is released as well, so that it can be remounted.
 */
export type DiskFailure = 'retry' | 'reopen'

/** DuckDB reports file errors as text: the operating system's message after the file name. */
const REOPEN =
  /FATAL Error|database has been invalidated|Read-only file system|Input\/output error|Stale file handle/i
const RETRY = /No space left on device|Disk quota exceeded|File too large/i

/** What a DuckDB error means for the store, or undefined when it is not a disk failure. */
export function diskFailure(error: unknown): DiskFailure | undefined {
  const text = errorChainText(error)
  if (REOPEN.test(text)) return 'reopen'
  if (RETRY.test(text)) return 'retry'
  return undefined
}
