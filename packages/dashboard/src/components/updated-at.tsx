import { useIsFetching } from '@tanstack/react-query'
import { useEffect, useState } from 'react'

/**
 * "Updating…" while any request is in flight, then when the figures were last updated. Its own
 * component: every request's start and end re-renders it alone, not the views.
 */
export function UpdatedAt({ timeZone }: { timeZone: string }) {
  const fetching = useIsFetching()
  const [updatedAt, setUpdatedAt] = useState(() => new Date())
  useEffect(() => {
    if (fetching === 0) setUpdatedAt(new Date())
  }, [fetching])
  return (
    <span className="muted updated" data-testid="updated-at" aria-live="off">
      {fetching > 0
        ? 'Updating…'
        : `Updated ${updatedAt.toLocaleTimeString('en-US', { timeZone, hourCycle: 'h23' })}`}
    </span>
  )
}
