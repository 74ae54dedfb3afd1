import type { Budget } from '@spendlens/server/api-types'
import { type ReactNode, useMemo } from 'react'
import { BURN_CHART_HEIGHT, budgetBurnOption, burnPoints } from '../../charts/budget-burn'
import { Chart } from '../../components/chart'
import { Panel } from '../../components/panel'
import { useBudgetBurn } from '../../hooks/use-budgets'
import { useChartTheme } from '../../hooks/use-chart-theme'
import { formatInteger, formatMoment, formatPercent, formatUsd, formatUsdShort } from '../../lib/format'
import { BUDGET_STATE_LABEL, budgetState, describeBudgetScope, describePeriod } from './budget-terms'

export interface BudgetBurnPanelProps {
  budget: Budget
  /** When GET /api/budgets read the status (ISO). */
  asOf: string
  /** Edit and Delete, for admins. */
  actions?: ReactNode
}

/**
 * One budget's current period: its figures as GET /api/budgets answers them, and its burn (spend to
 * date against the amount, the forecast dashed to the reset, the thresholds, when it runs out).
 */
export function BudgetBurnPanel({ budget, asOf, actions }: BudgetBurnPanelProps) {
  const theme = useChartTheme()
  const burn = useBudgetBurn(budget, asOf)
  const { status, timeZone } = budget
  const state = budgetState(budget)
  const at = Date.parse(asOf)
  const option = useMemo(
    () =>
      budgetBurnOption(
        {
          budget,
          points: burnPoints(budget, burn.data ?? [], at),
          asOf: at,
          format: formatUsd,
          axisFormat: formatUsdShort,
          formatTime: (time) => formatMoment(time, timeZone),
        },
        theme,
      ),
    [budget, burn.data, at, timeZone, theme],
  )
  const testId = (name: string) => `budget-${name}-${budget.id}`
  const figures: [string, string, ReactNode, string?][] = [
    ['spent', 'Spent', formatUsd(status.spent_usd), String(status.spent_usd)],
    ['amount', 'Amount', formatUsd(budget.amountUsd), String(budget.amountUsd)],
    ['used', 'Used', formatPercent(status.used), String(status.used)],
    ['remaining', 'Left', formatUsd(status.remaining_usd), String(status.remaining_usd)],
    [
      'forecast',
      'Forecast by the reset',
      status.forecast.method === 'no_history' ? 'no history' : formatUsd(status.forecast.end_of_period_usd),
      String(status.forecast.end_of_period_usd),
    ],
    [
      'runs-out',
      'Runs out',
      status.forecast.runs_out_at === null
        ? state === 'over'
          ? 'spent'
          : 'not before the reset'
        : formatMoment(status.forecast.runs_out_at, timeZone),
      status.forecast.runs_out_at ?? '',
    ],
    ['blocked', 'Calls blocked', formatInteger(status.blocked_calls), String(status.blocked_calls)],
  ]
  return (
    <Panel
      title={budget.name}
      subtitle={
        <>
          {describeBudgetScope(budget.filters)} · {describePeriod(budget)} · resets{' '}
          {formatMoment(status.resets_at, timeZone)} ·{' '}
          {budget.action === 'block' ? 'blocks calls once spent' : 'alerts only'}
          {budget.source === 'file' ? ' · from the budgets file' : ''}
        </>
      }
      actions={
        <>
          <span className={`budget-state is-${state}`} data-testid={testId('state')}>
            {BUDGET_STATE_LABEL[state]}
          </span>
          {actions}
        </>
      }
      testId={testId('panel')}
      stale={burn.stale}
    >
      <dl className="budget-figures">
        {figures.map(([key, label, text, value]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd data-testid={testId(key)} data-value={value}>
              {text}
            </dd>
          </div>
        ))}
      </dl>
      <Chart
        option={option}
        label={`Spend of ${budget.name} this period against its amount of ${formatUsd(budget.amountUsd)}, with its forecast to the reset`}
        testId={testId('burn')}
        className="chart"
        height={BURN_CHART_HEIGHT}
        renderer="svg"
      />
      <p className="budget-summary muted" data-testid={testId('summary')}>
        {status.forecast.summary}
        {burn.error ? ` (The burn could not be drawn: ${burn.error.message})` : ''}
      </p>
    </Panel>
  )
}
