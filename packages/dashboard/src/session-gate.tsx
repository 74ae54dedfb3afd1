import { App } from './app'
import { Logo } from './components/logo'
import { SignIn } from './components/sign-in'
import { useSession } from './hooks/use-session'

/**
 * Asks the server who the dashboard is before showing anything: the dashboard itself on an open
 * server or with a live session, the sign-in screen otherwise (and again after any 401).
 */
export function SessionGate() {
  const session = useSession()
  const { state } = session
  switch (state.status) {
    case 'checking':
      return (
        <p className="panel-message" aria-busy="true">
          Loading…
        </p>
      )
    case 'unreachable':
      return (
        <main className="sign-in-page" data-testid="server-unreachable">
          <div className="sign-in" role="alert">
            <div className="brand">
              <Logo />
              <h1>spendlens</h1>
            </div>
            <p>Could not ask the server who is signed in. {state.message}</p>
            <p className="muted">
              Check that the spendlens server is running (<code>npx spendlens serve</code>) and that this page
              was opened from the address it printed.
            </p>
            <button type="button" className="button" onClick={session.retry}>
              Retry
            </button>
          </div>
        </main>
      )
    case 'signed-out':
      return <SignIn notice={state.notice} onSignIn={session.signIn} />
    case 'signed-in':
      return (
        <App
          auth={state.auth}
          principal={state.principal}
          projects={state.projects}
          onSignOut={session.signOut}
        />
      )
  }
}
