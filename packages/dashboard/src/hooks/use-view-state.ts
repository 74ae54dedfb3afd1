import { type MouseEvent, useCallback, useEffect, useState } from 'react'
import { readViewState, type ViewState, writeViewState } from '../lib/view-state'

/** Changes the view: a history entry, or with `replace` a correction of the current one. */
export type SetView = (next: ViewState, options?: { replace?: boolean }) => void

/**
 * The view, mirrored in the URL: a change pushes a history entry (so Back undoes it), and Back and
 * Forward restore the view of that entry. On load the URL is rewritten with the whole view (the
 * time zone included), so a link copied straight away reproduces it.
 */
export function useViewState(defaultTimeZone: string): [ViewState, SetView] {
  const [view, setViewState] = useState(() =>
    withZone(readViewState(window.location.search), defaultTimeZone),
  )

  // Only the initial view: later changes go through setView.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, on mount
  useEffect(() => {
    const search = writeViewState(window.location.search, view)
    if (search !== window.location.search) {
      window.history.replaceState(null, '', `${search}${window.location.hash}`)
    }
  }, [])

  useEffect(() => {
    const onPopState = () => setViewState(withZone(readViewState(window.location.search), defaultTimeZone))
    window.addEventListener('popstate', onPopState)
    return () => window.removeEventListener('popstate', onPopState)
  }, [defaultTimeZone])

  const setView = useCallback((next: ViewState, options?: { replace?: boolean }) => {
    const search = writeViewState(window.location.search, next)
    if (search !== window.location.search) {
      if (options?.replace) window.history.replaceState(null, '', `${search}${window.location.hash}`)
      else window.history.pushState(null, '', `${search}${window.location.hash}`)
    }
    setViewState(next)
  }, [])

  return [view, setView]
}

function withZone(view: ViewState, timeZone: string): ViewState {
  return view.timeZone ? view : { ...view, timeZone }
}

/** A link to another view of the same scope, for `<a href>`: middle-click opens it in a new tab. */
export function viewHref(view: ViewState): string {
  return writeViewState(window.location.search, view)
}

/**
 * Whether a click on a link to another view should switch the view in the page: not when it asks
 * for a new tab or window (a modifier key, the middle button), which the browser does from `href`.
 */
export function isPlainClick(event: MouseEvent): boolean {
  return !(event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0)
}
