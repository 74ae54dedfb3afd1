import { useQueryClient } from '@tanstack/react-query'
import { useCallback, useSyncExternalStore } from 'react'

/**
 * The first error among the queries on screen, and how many failed (as a stable string pair).
 * Queries marked `meta: { optional: true }` (anomaly markers) say their own failure where they are
 * used: the figures of the page do not depend on them.
 */
function useFailures(): { message: string | undefined; count: number; retry: () => void } {
  const client = useQueryClient()
  const cache = client.getQueryCache()
  const subscribe = useCallback((onChange: () => void) => cache.subscribe(onChange), [cache])
  const snapshot = useSyncExternalStore(subscribe, () => {
    const failed = cache
      .getAll()
      .filter(
        (query) =>
          query.state.status === 'error' && query.getObserversCount() > 0 && query.meta?.optional !== true,
      )
    const first = failed[0]?.state.error
    return `${failed.length}\u0000${first instanceof Error ? first.message : ''}`
  })
  const [count, message] = snapshot.split('\u0000')
  const retry = useCallback(() => {
    void client.refetchQueries({ predicate: (query) => query.state.status === 'error' })
  }, [client])
  return { message: message || undefined, count: Number(count), retry }
}

/** Says what failed and what to do about it, once for the whole page. */
export function ErrorBanner() {
  const { message, count, retry } = useFailures()
  if (count === 0) return null
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <div>
        <strong>
          Could not load part of this view ({count === 1 ? 'one request' : `${count} requests`} failed).
        </strong>{' '}
        {message}
        <p>
          Check that the spendlens server is running (<code>npx spendlens serve</code>) and that this page was
          opened from the address it printed, then retry.
        </p>
      </div>
      <button type="button" className="button" onClick={retry}>
        Retry
      </button>
    </div>
  )
}
