import { useCallback, useEffect, useState } from 'react'
import { readViewState, type ViewState, writeViewState } from './view-state'

/**
 * The view, mirrored in the URL: a change pushes a history entry (so Back undoes it), and Back and
 * Forward restore the view of that entry.
 */
export function useViewState(): [ViewState, (next: ViewState) => void] {
  const [view, setViewState] = useState(() => readViewState(window.location.search))

  useEffect(() => {
    const onPopState = () => setViewState(readViewState(window.location.search))
    window.addEventListener('popstate', onPopState)
    return () => window.removeEventListener('popstate', onPopState)
  }, [])

  const setView = useCallback((next: ViewState) => {
    const search = writeViewState(window.location.search, next)
    window.history.pushState(null, '', `${search}${window.location.hash}`)
    setViewState(next)
  }, [])

  return [view, setView]
}
