import type { ReconcileAnswer } from '@spendlens/server/api-types'
import { StatCard, StatGrid } from '../../components/stat-card'
import { formatCoverage, formatUsd } from '../../lib/format'
import { GAP_PART_TEXT, gapPartUsd } from '../../lib/gap-parts'

/**
 * How much of the invoice the tracked events explain: the server's summary in words, then the
 * figures as cards, and the tracked cost left out of them (days or providers no invoice covers).
 */
export function InvoiceHeadline({ answer }: { answer: ReconcileAnswer }) {
  const { totals, dominant } = answer
  const exact = (value: number) => `$${value} (unrounded)`
  return (
    <>
      <p className="callout invoice-summary" data-testid="invoice-summary" aria-live="polite">
        {answer.summary}
      </p>
      <StatGrid label="Invoice summary">
        <StatCard
          label="Invoiced"
          testId="invoice-invoiced"
          value={totals.invoiced_usd}
          format={formatUsd}
          loading={false}
          title={exact(totals.invoiced_usd)}
          note="what the providers billed"
        />
        <StatCard
          label="Tracked"
          testId="invoice-tracked"
          value={totals.tracked_usd}
          format={formatUsd}
          loading={false}
          title={exact(totals.tracked_usd)}
          note="your events' cost on the same days"
        />
        <StatCard
          label="Coverage"
          testId="invoice-coverage"
          value={totals.coverage}
          format={(value) => (typeof value === 'number' ? formatCoverage(value) : 'nothing invoiced')}
          loading={false}
          note="tracked ÷ invoiced"
        />
        <StatCard
          label="Gap"
          testId="invoice-gap"
          value={totals.gap_usd}
          format={formatUsd}
          loading={false}
          title={exact(totals.gap_usd)}
          note={
            dominant ? (
              <span data-testid="invoice-dominant" data-part={dominant}>
                mostly {GAP_PART_TEXT[dominant].label.toLowerCase()}:{' '}
                {formatUsd(gapPartUsd(totals, dominant))}
              </span>
            ) : (
              'no gap to explain'
            )
          }
        />
      </StatGrid>
      <OutsideInvoiceNote usd={answer.tracked_outside_invoice_usd} />
    </>
  )
}

/** Tracked cost no complete invoice covers, left out of every figure: said when there is any. */
export function OutsideInvoiceNote({ usd }: { usd: number }) {
  if (usd === 0) return null
  return (
    <p className="table-note muted" data-testid="invoice-outside-note" data-value={usd}>
      {formatUsd(usd)} of tracked cost falls on days or providers no complete invoice covers yet (today until
      the UTC day is over, days not synced, providers without a synced invoice): it is left out of these
      figures.
    </p>
  )
}
