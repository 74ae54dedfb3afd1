// The parts the gap between the invoice and the tracked cost splits into (docs/invoice.md
// "Reconcile"), as the page names them: the server's GAP_PARTS, never a list of its own.

import { GAP_PARTS, type GapPart, type ReconcileFigures } from '@spendlens/server/api-types'

export const GAP_PART_TEXT: Record<GapPart, { label: string; meaning: string }> = {
  untracked_usage: {
    label: 'Untracked usage',
    meaning: 'usage the provider saw that no event recorded (calls made without the SDK)',
  },
  price_difference: {
    label: 'Price difference',
    meaning:
      'the same tokens billed at other money than spendlens priced them (a discount, a tier, a catalog error)',
  },
  non_model: {
    label: 'Non-model lines',
    meaning: 'invoice lines no model call explains (fine-tuning, storage, tool sessions)',
  },
  unexplained: {
    label: 'Unexplained',
    meaning: 'money that cannot be split (lines not itemized by model, a model without a usage report)',
  },
}

/** A part's dollars in a row or the totals (`untracked_usage` → `untracked_usage_usd`). */
export function gapPartUsd(figures: ReconcileFigures, part: GapPart): number {
  return figures[`${part}_usd`]
}

/** Every part, in the server's order, with its label. */
export const GAP_PART_LIST = GAP_PARTS.map((part) => ({ part, ...GAP_PART_TEXT[part] }))
