import type { CostEvent } from 'spendlens'
import { createPriceBook } from 'spendlens/internal'

/** A model of an ingest body that nothing prices, with its calls in that body. */
export interface UnpricedModel {
  provider: string
  model: string
  requests: number
}

const book = createPriceBook()

/**
 * The models of `events` that have no price: events stored `unpriced` whose model neither the
 * catalog nor the supplement knows at the event's time. Not a call that is unpriced for want of
 * usage (a stream abandoned before its usage arrived): its model has a price.
 */
export function unpricedModelsOf(events: readonly CostEvent[]): UnpricedModel[] {
  const models = new Map<string, UnpricedModel>()
  for (const event of events) {
    if (event.pricing_status !== 'unpriced') continue
    const key = `${event.provider}/${event.model}`
    const seen = models.get(key)
    if (seen) seen.requests++
    else if (!book.find(event.provider, event.model, new Date(event.ts)))
      models.set(key, { provider: event.provider, model: event.model, requests: 1 })
  }
  return [...models.values()]
}

/** Past this many project/model pairs warned about, the server stops remembering (and warning). */
const MAX_WARNED = 10_000

/**
 * The server's warning about unpriced models: once per project and model for the life of the
 * process, however many events of it arrive. `warn` is the server's logger.
 */
export function createUnpricedWarning(
  warn: (fields: Record<string, unknown>, message: string) => void,
): (project: string, models: readonly UnpricedModel[]) => void {
  const warned = new Set<string>()
  return (project, models) => {
    for (const { provider, model } of models) {
      const key = JSON.stringify([project, provider, model])
      if (warned.has(key) || warned.size >= MAX_WARNED) continue
      warned.add(key)
      warn(
        { project, provider, model },
        `unpriced model ${provider}/${model} in project ${project}: the catalog and the supplement have no price for it, so its calls are stored with an unknown cost (docs/pricing.md)`,
      )
    }
  }
}
