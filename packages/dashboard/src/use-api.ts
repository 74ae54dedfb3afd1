import { useEffect, useState } from 'react'
import { getJson } from './api'

export interface ApiState<T> {
  /** The last successful answer; kept while a newer request loads so the view does not flash. */
  data: T | undefined
  error: Error | undefined
  loading: boolean
}

/**
 * Fetches `url` (a relative API URL) whenever it or `reloadToken` changes; an older request still
 * running is aborted so a slow answer never overwrites a newer one. `undefined` fetches nothing.
 */
export function useApi<T>(url: string | undefined, reloadToken = 0): ApiState<T> {
  const [state, setState] = useState<ApiState<T>>({
    data: undefined,
    error: undefined,
    loading: url !== undefined,
  })

  useEffect(() => {
    if (url === undefined) return
    const controller = new AbortController()
    // reloadToken is read so a Retry with an unchanged URL still refetches.
    void reloadToken
    setState((previous) => ({ ...previous, loading: true }))
    getJson<T>(url, controller.signal).then(
      (data) => setState({ data, error: undefined, loading: false }),
      (error: unknown) => {
        if (controller.signal.aborted) return
        setState((previous) => ({
          ...previous,
          error: error instanceof Error ? error : new Error(String(error)),
          loading: false,
        }))
      },
    )
    return () => controller.abort()
  }, [url, reloadToken])

  return state
}
