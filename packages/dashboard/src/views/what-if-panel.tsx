import type { WhatIfAnswer, WhatIfTier } from '@spendlens/server/api-types'
import { useMemo } from 'react'
import type { Column } from '../components/data-table'
import { DataTable } from '../components/data-table'
import { Panel, PanelMessage, QueryBody } from '../components/panel'
import { Segmented } from '../components/segmented'
import { UnpricedLink } from '../components/unpriced-link'
import { useDashboard } from '../hooks/dashboard-context'
import { useAnalyticsQuery } from '../hooks/use-analytics-query'
import { useWhatIf } from '../hooks/use-decisions'
import { formatChange, formatInteger, formatUsd } from '../lib/format'
import { parseTarget, targetKey, WHAT_IF_MODELS, WHAT_IF_TIER_OPTIONS } from '../lib/what-if-targets'
import { whatIfQueries } from '../queries/panel-queries'

type FeatureRow = WhatIfAnswer['by_feature'][number]

const money = (value: unknown) => formatUsd(typeof value === 'number' ? value : null)
const change = (value: unknown) => (typeof value === 'number' ? formatChange(value) : '—')
/** Saved money reads good, added money bad; a rounding's worth is neither. */
const tone = (difference: number) =>
  difference < -1e-9 ? 'tone-good' : difference > 1e-9 ? 'tone-bad' : undefined

const COLUMNS: Column<FeatureRow>[] = [
  { key: 'feature', label: 'Feature', value: (row) => row.feature },
  // A feature may run on several models: the list wraps rather than widening the table.
  {
    key: 'models',
    label: 'Models as recorded',
    value: (row) => row.models.join(', '),
    cellClass: () => 'is-wrapping',
  },
  {
    key: 'requests',
    label: 'Calls',
    numeric: true,
    value: (row) => row.requests,
    format: (value) => formatInteger(value as number),
  },
  { key: 'current_usd', label: 'As recorded', numeric: true, value: (row) => row.current_usd, format: money },
  { key: 'target_usd', label: 'At the target', numeric: true, value: (row) => row.target_usd, format: money },
  {
    key: 'difference_usd',
    label: 'Difference',
    numeric: true,
    value: (row) => row.difference_usd,
    format: money,
    cellClass: (row) => tone(row.difference_usd),
  },
  {
    key: 'difference_ratio',
    label: 'Change',
    numeric: true,
    value: (row) => row.difference_ratio,
    format: change,
    cellClass: (row) => tone(row.difference_usd),
  },
]

/**
 * What if the calls in scope had run on another model, or at another tier: the same token counts
 * priced at it (POST /api/what-if), per feature and in total, with what the figures cannot know.
 */
export function WhatIfPanel() {
  const { scope, view, update } = useDashboard()
  const target = parseTarget(view.whatIf, view.whatIfTier)
  const answer = useWhatIf(target)
  // The models these calls used, offered first: "what if this ran at batch".
  const used = useAnalyticsQuery(whatIfQueries(scope, view).used)
  const usedKeys = useMemo(
    () => (used.data ?? []).map((row) => targetKey(String(row.provider), String(row.model))),
    [used.data],
  )

  const picker = (
    <div className="what-if-controls">
      <label className="field-inline">
        <span>Price at</span>
        <select
          value={view.whatIf ?? ''}
          onChange={(event) => update({ whatIf: event.target.value || undefined })}
          data-testid="what-if-target"
        >
          <option value="">Pick a model…</option>
          {usedKeys.length > 0 ? (
            <optgroup label="Models these calls used">
              {usedKeys.map((key) => (
                <option key={`used-${key}`} value={key}>
                  {key}
                </option>
              ))}
            </optgroup>
          ) : null}
          {WHAT_IF_MODELS.map((group) => (
            <optgroup key={group.provider} label={group.provider}>
              {group.models.map((model) => (
                <option key={model} value={targetKey(group.provider, model)}>
                  {targetKey(group.provider, model)}
                </option>
              ))}
            </optgroup>
          ))}
          {view.whatIf &&
          !usedKeys.includes(view.whatIf) &&
          !WHAT_IF_MODELS.some((group) =>
            group.models.some((model) => targetKey(group.provider, model) === view.whatIf),
          ) ? (
            <option value={view.whatIf}>{view.whatIf}</option>
          ) : null}
        </select>
      </label>
      <Segmented<WhatIfTier>
        label="Tier"
        small
        options={WHAT_IF_TIER_OPTIONS}
        value={view.whatIfTier}
        onChange={(whatIfTier) => update({ whatIfTier })}
        testIdPrefix="what-if-tier-"
      />
    </div>
  )

  return (
    <Panel
      title="What if"
      subtitle="The same calls priced at another model or tier: the money saved or added, per feature"
      actions={picker}
      wide
      stale={answer.stale}
      testId="what-if-panel"
    >
      {target ? (
        <QueryBody state={answer} what="the what-if">
          {(data) => <WhatIfResult answer={data} />}
        </QueryBody>
      ) : (
        <PanelMessage>
          <p>Pick a model to price this period’s calls at, with their own token counts.</p>
        </PanelMessage>
      )}
    </Panel>
  )
}

/** What the calls left out cost as recorded: unknown for those whose cost is the reason. */
function leftOutCost(answer: WhatIfAnswer): string {
  const { reasons } = answer.unpriced
  if (reasons.every((reason) => reason.current_usd === null)) return 'their cost unknown'
  const unknown = reasons.some((reason) => reason.current_usd === null) ? ', and some of unknown cost' : ''
  return `${formatUsd(answer.unpriced.current_usd)} as recorded${unknown}`
}

function WhatIfResult({ answer }: { answer: WhatIfAnswer }) {
  const target = `${answer.target.provider}/${answer.target.model}`
  const tier = answer.target.tier === 'as_recorded' ? '' : ` (${answer.target.tier})`
  const saved = answer.difference_usd < 0
  const [tokenizer, ...others] = answer.caveats
  const tokenizerFirst = tokenizer?.startsWith('Tokenizers differ')
  return (
    <>
      <dl className="stats what-if-stats">
        <div className="stat">
          <dt>As recorded</dt>
          <dd className="stat-value" data-testid="what-if-current" data-value={answer.current_usd}>
            {formatUsd(answer.current_usd)}
          </dd>
          <dd className="muted">{formatInteger(answer.requests)} calls compared</dd>
        </div>
        <div className="stat">
          <dt>
            At {target}
            {tier}
          </dt>
          <dd className="stat-value" data-testid="what-if-target-cost" data-value={answer.target_usd}>
            {formatUsd(answer.target_usd)}
          </dd>
          <dd className="muted">priced as {answer.target.priced_as}</dd>
        </div>
        <div className="stat">
          <dt>{saved ? 'Saved' : 'Added'}</dt>
          <dd
            className={`stat-value ${tone(answer.difference_usd) ?? ''}`}
            data-testid="what-if-difference"
            data-value={answer.difference_usd}
          >
            {formatUsd(Math.abs(answer.difference_usd))}
          </dd>
          <dd className={`stat-change ${tone(answer.difference_usd) ?? ''}`}>
            {answer.difference_ratio === null ? '—' : formatChange(answer.difference_ratio)}
          </dd>
        </div>
      </dl>
      {tokenizerFirst ? (
        <p className="notice-banner what-if-tokenizer" role="note" data-testid="what-if-tokenizer">
          {tokenizer}
        </p>
      ) : null}
      <DataTable
        title={`What if at ${target}${tier}`}
        caption="Per feature: what its calls cost as recorded, and the same token counts at the target."
        columns={COLUMNS}
        rows={answer.by_feature}
        rowKey={(row) => row.feature}
        testId="what-if-table"
        defaultSort={{ key: 'current_usd', direction: 'desc' }}
        footer={{
          feature: 'Total',
          models: [],
          requests: answer.requests,
          current_usd: answer.current_usd,
          target_usd: answer.target_usd,
          difference_usd: answer.difference_usd,
          difference_ratio: answer.difference_ratio,
        }}
        note={
          answer.unpriced.requests > 0 ? (
            <p className="muted" data-testid="what-if-unpriced">
              {formatInteger(answer.unpriced.requests)} calls left out ({leftOutCost(answer)}):{' '}
              {answer.unpriced.reasons
                .map((reason) => `${formatInteger(reason.requests)} because ${reason.reason}`)
                .join('; ')}
              .
              {answer.unpriced.reasons.some((reason) => reason.current_usd === null) ? (
                <>
                  {' '}
                  <UnpricedLink>The unpriced models</UnpricedLink>.
                </>
              ) : null}
            </p>
          ) : undefined
        }
      />
      <details className="what-if-caveats" open>
        <summary>What these figures assume</summary>
        <ul data-testid="what-if-caveats">
          {(tokenizerFirst ? others : answer.caveats).map((caveat) => (
            <li key={caveat}>{caveat}</li>
          ))}
        </ul>
      </details>
    </>
  )
}
