/**
 * Serializes async work: each piece starts when the previous one has settled (a DuckDB connection
 * runs one statement at a time; a ClickHouse store appends one batch at a time).
 */
export function createMutex(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work, work)
    tail = result.catch(() => undefined)
    return result
  }
}
