import type { InvoiceProvider } from '../schema/invoice-table.js'
import type { AdminApi } from './admin-http.js'
import { ANTHROPIC_ADMIN_API, anthropicReports } from './anthropic-reports.js'
import { OPENAI_ADMIN_API, openaiReports } from './openai-reports.js'
import type { AdminApiOptions, ReportSource } from './report-source.js'

/** Each provider's reports, its admin API, and the environment variable its admin key comes from. */
export const PROVIDER_REPORTS: Record<
  InvoiceProvider,
  { reports: (options: AdminApiOptions) => ReportSource[]; api: AdminApi; keyVariable: string }
> = {
  openai: { reports: openaiReports, api: OPENAI_ADMIN_API, keyVariable: 'OPENAI_ADMIN_KEY' },
  anthropic: { reports: anthropicReports, api: ANTHROPIC_ADMIN_API, keyVariable: 'ANTHROPIC_ADMIN_KEY' },
}

/** The reports of every provider whose admin key is in `env` (the server's background sync). */
export function configuredReports(
  env: NodeJS.ProcessEnv,
  baseUrls: Partial<Record<InvoiceProvider, string>> = {},
): Partial<Record<InvoiceProvider, ReportSource[]>> {
  const sources: Partial<Record<InvoiceProvider, ReportSource[]>> = {}
  for (const provider of Object.keys(PROVIDER_REPORTS) as InvoiceProvider[]) {
    const entry = PROVIDER_REPORTS[provider]
    const key = env[entry.keyVariable]
    if (key) sources[provider] = entry.reports({ key, baseUrl: baseUrls[provider] })
  }
  return sources
}
