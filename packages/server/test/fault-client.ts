import type { Store } from '../src/store/store.js'

/**
 * A client for fault tests: sends batches of events to POST /v1/events and keeps the score, per
 * event_id, of what the server acknowledged (a 200 that accepted it) and what it refused (a 503
 * to send again), so a test can hold the store to exactly the acknowledged events.
 */
export class FaultClient {
  /** Ids the server acknowledged: accepted in a 200 (or found a duplicate of one it had). */
  readonly acknowledged = new Set<string>()
  /** Batches refused with a 503, to be sent again once the store is back. */
  refused: Record<string, unknown>[][] = []
  /** Every answer's status, in order. */
  readonly statuses: number[] = []
  /** The Retry-After and error code of each 503. */
  readonly refusals: { retryAfter: string | null; code: unknown }[] = []
  private next = 0

  constructor(
    private readonly endpoint: string,
    private readonly prefix: string,
  ) {}

  /** `count` new events, stamped a few minutes ago (inside ingest's window of accepted ages). */
  batch(count: number): Record<string, unknown>[] {
    const now = Date.now()
    return Array.from({ length: count }, () => {
      const index = this.next++
      return {
        event_id: `${this.prefix}-${String(index).padStart(6, '0')}`,
        ts: new Date(now - 300_000 + index).toISOString(),
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4o-mini',
        input_tokens: 1000 + (index % 97),
        output_tokens: 100,
        latency_ms: 120,
        tags: {
          feature: `feature-${index % 5}`,
          customer_id: `customer-${index % 7}`,
          user_id: `user-${index}`,
        },
      }
    })
  }

  /** Sends one batch; answers the status. A 503 keeps the batch in `refused`. */
  async send(events: Record<string, unknown>[]): Promise<number> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
    })
    const body = (await response.json()) as {
      results?: { event_id: string; status: string }[]
      error?: { code?: unknown }
      code?: unknown
    }
    this.statuses.push(response.status)
    if (response.status === 200) {
      for (const result of body.results ?? [])
        if (result.status === 'accepted' || result.status === 'duplicate')
          this.acknowledged.add(result.event_id)
    } else if (response.status === 503) {
      this.refused.push(events)
      this.refusals.push({
        retryAfter: response.headers.get('retry-after'),
        code: body.error?.code ?? body.code,
      })
    } else {
      throw new Error(`unexpected ${response.status}: ${JSON.stringify(body)}`)
    }
    return response.status
  }

  /** Sends `batches` new batches of `size` events, one after another; answers their statuses. */
  async sendNew(batches: number, size: number): Promise<number[]> {
    const statuses: number[] = []
    for (let index = 0; index < batches; index++) statuses.push(await this.send(this.batch(size)))
    return statuses
  }

  /**
   * Sends the refused batches again, as a client honouring 503 does (here without waiting the
   * Retry-After out: the test knows when the store is back), until each is accepted.
   */
  async resendRefused(attempts = 50, pauseMs = 100): Promise<number> {
    const batches = this.refused
    this.refused = []
    for (const events of batches) {
      for (let attempt = 0; ; attempt++) {
        const before = this.refused.length
        if ((await this.send(events)) === 200) break
        this.refused.length = before
        if (attempt >= attempts)
          throw new Error(`a refused batch was still refused after ${attempts} attempts`)
        await new Promise((resolve) => setTimeout(resolve, pauseMs))
      }
    }
    return batches.length
  }
}

/** Every event_id the store holds. */
export async function storedIds(store: Store): Promise<Set<string>> {
  const ids = new Set<string>()
  for await (const page of store.exportEvents()) for (const event of page) ids.add(event.event_id)
  return ids
}
