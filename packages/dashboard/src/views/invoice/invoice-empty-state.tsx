import { DEFAULT_PROJECT } from '@spendlens/server/api-types'
import { useDashboard } from '../../hooks/dashboard-context'

/** Shown instead of empty charts when no invoice was ever synced: how to sync one. */
export function InvoiceEmptyState() {
  const { project } = useDashboard()
  const into = project === DEFAULT_PROJECT ? '' : ` --project ${project}`
  const commands = [
    `OPENAI_ADMIN_KEY=sk-admin-… npx spendlens sync openai${into}`,
    `ANTHROPIC_ADMIN_KEY=sk-ant-admin… npx spendlens sync anthropic${into}`,
  ].join('\n')
  return (
    <section className="panel empty-state" data-testid="invoice-empty" aria-labelledby="invoice-empty-title">
      <h2 id="invoice-empty-title">No invoice synced yet</h2>
      <p>
        This view sets the providers' own usage and cost reports beside your tracked events: how much of the
        invoice spendlens explains, and why the rest is missing. Sync them with an organization{' '}
        <strong>admin key</strong> (not a project key), once from the command line, with the same{' '}
        <code>--store</code> as the server:
      </p>
      <pre>
        <code>{commands}</code>
      </pre>
      <p>
        Or start the server with <code>OPENAI_ADMIN_KEY</code> and/or <code>ANTHROPIC_ADMIN_KEY</code> set:{' '}
        <code>spendlens serve</code> then syncs on its own every hour. OpenAI's admin keys are made at
        platform.openai.com/settings/organization/admin-keys, Anthropic's at
        console.anthropic.com/settings/admin-keys. More in docs/invoice.md.
      </p>
    </section>
  )
}
