import { type FormEvent, useId, useRef, useState } from 'react'
import type { SignInNotice } from '../hooks/use-session'
import { type SignInCredential, signInErrorMessage } from '../lib/session'
import { Logo } from './logo'
import { Segmented } from './segmented'

type Method = 'key' | 'user'

const METHODS = [
  { key: 'key', label: 'Read key' },
  { key: 'user', label: 'User and password' },
] as const satisfies readonly { key: Method; label: string }[]

const NOTICES: Record<SignInNotice, string> = {
  ended:
    'Your session ended (it lapsed, its key was revoked or its user disabled, or the server restarted). Sign in again to continue.',
  'signed-out': 'You are signed out.',
  'now-required': 'This server now needs a sign-in: a key or user was made on it.',
}

export interface SignInProps {
  notice?: SignInNotice
  onSignIn: (credential: SignInCredential) => Promise<void>
}

/**
 * The sign-in screen of a server with keys: a read (or admin) key, or a user and password. The key
 * is sent once in the body of POST /api/session; from then on the session cookie is the credential.
 */
export function SignIn({ notice, onSignIn }: SignInProps) {
  const [method, setMethod] = useState<Method>('key')
  const [key, setKey] = useState('')
  const [user, setUser] = useState('')
  const [password, setPassword] = useState('')
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const keyInput = useRef<HTMLInputElement>(null)
  const passwordInput = useRef<HTMLInputElement>(null)
  const errorId = useId()

  const ready = method === 'key' ? key.trim() !== '' : user.trim() !== '' && password !== ''

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!ready || pending) return
    setPending(true)
    setError(undefined)
    try {
      await onSignIn(method === 'key' ? { key: key.trim() } : { user: user.trim(), password })
    } catch (failure) {
      setError(signInErrorMessage(failure, method))
      setPending(false)
      if (method === 'key') keyInput.current?.select()
      else {
        setPassword('')
        passwordInput.current?.focus()
      }
    }
  }

  const choose = (next: Method) => {
    setMethod(next)
    setError(undefined)
  }

  return (
    <main className="sign-in-page" data-testid="sign-in">
      <form className="sign-in" onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
        <div className="brand">
          <Logo />
          <h1 id="sign-in-title">spendlens</h1>
        </div>
        <p className="muted">This server needs a sign-in to show its spend.</p>
        {notice ? (
          <p className="sign-in-notice" role="status" data-testid="sign-in-notice" data-notice={notice}>
            {NOTICES[notice]}
          </p>
        ) : null}
        <Segmented
          label="Sign in with"
          options={METHODS}
          value={method}
          onChange={choose}
          testIdPrefix="sign-in-with-"
        />
        {method === 'key' ? (
          <label className="field">
            <span>Read key</span>
            <input
              ref={keyInput}
              type="password"
              name="key"
              value={key}
              onChange={(event) => setKey(event.target.value)}
              placeholder="sl_…"
              autoComplete="off"
              spellCheck={false}
              // biome-ignore lint/a11y/noAutofocus: the one thing to do on this screen
              autoFocus
              aria-invalid={error !== undefined}
              aria-describedby={error ? errorId : undefined}
              data-testid="sign-in-key"
            />
            <span className="field-hint">
              A read or admin key: <code>spendlens keys create --role read</code>
            </span>
          </label>
        ) : (
          <>
            <label className="field">
              <span>User</span>
              <input
                type="text"
                name="username"
                value={user}
                onChange={(event) => setUser(event.target.value)}
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                // biome-ignore lint/a11y/noAutofocus: the one thing to do on this screen
                autoFocus
                data-testid="sign-in-user"
              />
            </label>
            <label className="field">
              <span>Password</span>
              <input
                ref={passwordInput}
                type="password"
                name="password"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
                autoComplete="current-password"
                aria-invalid={error !== undefined}
                aria-describedby={error ? errorId : undefined}
                data-testid="sign-in-password"
              />
            </label>
          </>
        )}
        {error ? (
          <p id={errorId} className="sign-in-error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        ) : null}
        <button
          type="submit"
          className="button button-primary"
          disabled={!ready || pending}
          data-testid="sign-in-submit"
        >
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  )
}
