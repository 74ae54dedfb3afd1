import type { WireBucket } from './fake-admin-api.js'

/** What a sync of the whole generated range must add up to, counted as the generator made it. */
export interface AnthropicTotals {
  amount_nanos: number
  input_tokens: number
  cache_read_tokens: number
  cache_write_tokens: number
  cache_write_1h_tokens: number
  output_tokens: number
  web_search_requests: number
  cost_lines: number
  usage_lines: number
}

const DAY_MS = 86_400_000
const MODELS = ['claude-sonnet-4-20250514', 'claude-3-5-haiku-20241022']
/** The default workspace is reported as null. */
const WORKSPACES = [null, 'wrkspc_01FakeWorkspaceA', 'wrkspc_01FakeWorkspaceB']
const TOKEN_TYPES = [
  'uncached_input_tokens',
  'output_tokens',
  'cache_read_input_tokens',
  'cache_creation.ephemeral_5m_input_tokens',
  'cache_creation.ephemeral_1h_input_tokens',
]

/**
 * Anthropic cost and messages usage reports in the documented shapes, `days` daily buckets from
 * `from` × models × workspaces, with totals kept as the data is made (integers, never by parsing
 * what it printed). Amounts are cents strings with up to five decimals ("123.45", "0.001",
 * "4012.00017"), so a client that reads them as dollars, or through a float, misses the totals.
 */
export function anthropicReportData(from: number, days: number) {
  const totals: AnthropicTotals = {
    amount_nanos: 0,
    input_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    output_tokens: 0,
    web_search_requests: 0,
    cost_lines: 0,
    usage_lines: 0,
  }
  const cost: WireBucket[] = []
  const usage: WireBucket[] = []
  for (let day = 0; day < days; day++) {
    const bounds = {
      starting_at: rfc3339(from + day * DAY_MS),
      ending_at: rfc3339(from + (day + 1) * DAY_MS),
    }
    const costResults: Record<string, unknown>[] = []
    const usageResults: Record<string, unknown>[] = []
    WORKSPACES.forEach((workspace, workspaceIndex) => {
      MODELS.forEach((model, modelIndex) => {
        const seed = day * 7 + workspaceIndex * 3 + modelIndex + 1
        const counts = {
          uncached: 1000 * seed + 17,
          cacheRead: 400 * seed,
          write5m: 30 * seed + 1,
          write1h: seed % 4 === 0 ? 0 : 11 * seed,
          output: 90 * seed + 3,
          webSearch: seed % 3,
        }
        usageResults.push({
          uncached_input_tokens: counts.uncached,
          cache_read_input_tokens: counts.cacheRead,
          cache_creation: {
            ephemeral_5m_input_tokens: counts.write5m,
            ephemeral_1h_input_tokens: counts.write1h,
          },
          output_tokens: counts.output,
          server_tool_use: { web_search_requests: counts.webSearch },
          model,
          workspace_id: workspace,
          api_key_id: null,
          service_tier: 'standard',
          context_window: '0-200k',
        })
        totals.input_tokens += counts.uncached + counts.cacheRead + counts.write5m + counts.write1h
        totals.cache_read_tokens += counts.cacheRead
        totals.cache_write_tokens += counts.write5m + counts.write1h
        totals.cache_write_1h_tokens += counts.write1h
        totals.output_tokens += counts.output
        totals.web_search_requests += counts.webSearch
        totals.usage_lines += 1
        TOKEN_TYPES.forEach((tokenType, typeIndex) => {
          // Hundred-thousandths of a cent: 100 nano-dollars each.
          const units = (seed * 7919 + typeIndex * 104_729) * (typeIndex + 1) + day
          costResults.push({
            currency: 'USD',
            amount: centsText(units),
            workspace_id: workspace,
            description: `${model} usage - ${tokenType}`,
            cost_type: 'tokens',
            context_window: '0-200k',
            model,
            service_tier: 'standard',
            token_type: tokenType,
          })
          totals.amount_nanos += units * 100
          totals.cost_lines += 1
        })
      })
      const webSearchUnits = 1_000_000 * (day + 1)
      costResults.push({
        currency: 'USD',
        amount: centsText(webSearchUnits),
        workspace_id: workspace,
        description: 'Web Search',
        cost_type: 'web_search',
        context_window: null,
        model: null,
        service_tier: null,
        token_type: null,
      })
      totals.amount_nanos += webSearchUnits * 100
      totals.cost_lines += 1
    })
    cost.push({ ...bounds, results: costResults })
    usage.push({ ...bounds, results: usageResults })
  }
  return { data: { cost_report: cost, 'usage_report/messages': usage }, totals }
}

/** Hundred-thousandths of a cent as the API writes cents: "123.45", "0.001", "12". */
function centsText(units: number): string {
  const text = String(units).padStart(6, '0')
  const fraction = text.slice(-5).replace(/0+$/, '')
  return `${text.slice(0, -5)}${fraction ? `.${fraction}` : ''}`
}

function rfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('.000Z', 'Z')
}
