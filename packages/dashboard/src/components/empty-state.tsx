export interface EmptyStateProps {
  onRefresh: () => void
  /** On a server with keys: the project whose ingest key the SDK needs. */
  ingestProject?: string
}

/** Where the server URL for the SDK comes from: the address this dashboard was served from. */
function serverUrl(): string {
  return new URL('.', window.location.href).href.replace(/\/$/, '')
}

/** Shown when the store holds no events at all: how to send the first ones. */
export function EmptyState({ onRefresh, ingestProject }: EmptyStateProps) {
  const init =
    ingestProject === undefined
      ? [`init({ endpoint: '${serverUrl()}' })`]
      : [
          `// An ingest key of this project: npx spendlens keys create --role ingest --project ${ingestProject}`,
          `init({ endpoint: '${serverUrl()}', apiKey: process.env.SPENDLENS_API_KEY })`,
        ]
  const snippet = [
    "import OpenAI from 'openai'",
    "import { init, wrap } from 'spendlens'",
    '',
    ...init,
    "const openai = wrap(new OpenAI(), { feature: 'chat', customer_id: 'acme' })",
    '// Use openai as before: every call becomes a priced cost event here.',
  ].join('\n')

  return (
    <section className="panel empty-state" data-testid="empty-state" aria-labelledby="empty-state-title">
      <h2 id="empty-state-title">No events yet: point the SDK at this server…</h2>
      <p>
        Install the SDK in your app from the spendlens checkout (it is not on npm yet): run{' '}
        <code>npm pack -w spendlens</code> there, then{' '}
        <code>npm install /path/to/spendlens/spendlens-*.tgz</code> in your app. Wrap your OpenAI, Anthropic
        or Google client; tags such as <code>feature</code> and <code>customer_id</code> decide how the spend
        is broken down.
      </p>
      <pre>
        <code>{snippet}</code>
      </pre>
      <p>
        Events arrive a second or two after each call.{' '}
        <button type="button" className="button" onClick={onRefresh}>
          Refresh
        </button>
      </p>
    </section>
  )
}
