import { useState } from 'react'
import { principalLabel, type SessionPrincipal } from '../lib/session'

export interface AccountControlsProps {
  principal: SessionPrincipal
  onSignOut: () => Promise<void>
}

/** Who is signed in, and the way out. Nothing on an open server: there is nobody to sign out. */
export function AccountControls({ principal, onSignOut }: AccountControlsProps) {
  const [pending, setPending] = useState(false)
  if (principal.kind === 'open') return null
  const label = principalLabel(principal)
  return (
    <span className="account">
      <span className="account-name muted" data-testid="signed-in-as" title={`Signed in as ${label}`}>
        {label}
      </span>
      <button
        type="button"
        className="button"
        disabled={pending}
        data-testid="sign-out"
        onClick={() => {
          setPending(true)
          void onSignOut().finally(() => setPending(false))
        }}
      >
        Sign out
      </button>
    </span>
  )
}
