import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { context, type Span, trace } from '@opentelemetry/api'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base'
import type { FastifyInstance } from 'fastify'
import type { CostEvent } from 'spendlens'
import { Credentials } from '../../src/auth/credentials.js'
import { createApp, type RateLimits } from '../../src/http/create-app.js'
import { openStore } from '../../src/store/open-store.js'
import type { Store } from '../../src/store/store.js'

/** A real server on a fresh DuckDB file with an ingest and a read key, as a team would run it. */
export interface OtlpServer {
  base: string
  /** `${base}/v1/traces` */
  tracesUrl: string
  keys: { ingest: string; read: string }
  /** The stored events of these event ids (an id stored twice would show twice). */
  events(ids: readonly string[]): Promise<CostEvent[]>
  close(): Promise<void>
}

export async function startOtlpServer(options: { rateLimits?: RateLimits } = {}): Promise<OtlpServer> {
  const folder = await mkdtemp(join(tmpdir(), 'spendlens-otlp-'))
  const store: Store = await openStore(join(folder, 'events.duckdb'))
  const credentials = await Credentials.open(store, { refresh: false })
  const ingest = (await credentials.createKey({ role: 'ingest', name: 'the collector' })).key
  const read = (await credentials.createKey({ role: 'read', name: 'the dashboard' })).key
  const app: FastifyInstance = await createApp({
    store,
    credentials,
    publicDir: join(folder, 'no-dashboard'),
    rateLimits: options.rateLimits ?? { ingestPerMinute: 0, queryPerMinute: 0 },
  })
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    base,
    tracesUrl: `${base}/v1/traces`,
    keys: { ingest, read },
    async events(ids) {
      const wanted = new Set(ids)
      const response = await fetch(`${base}/api/events?limit=1000`, {
        headers: { authorization: `Bearer ${read}` },
      })
      if (response.status !== 200) throw new Error(`GET /api/events answered ${response.status}`)
      const { events } = (await response.json()) as { events: CostEvent[] }
      return events.filter((event) => wanted.has(event.event_id))
    },
    async close() {
      await app.close()
      await credentials.close()
      await store.close()
      await rm(folder, { recursive: true, force: true })
    },
  }
}

/** The event id POST /v1/traces gives a span: its trace and span ids. */
export function eventIdOf(span: Pick<ReadableSpan, 'spanContext'>): string {
  const { traceId, spanId } = span.spanContext()
  return `otlp:${traceId}:${spanId}`
}

/**
 * An OpenTelemetry SDK tracer provider whose finished spans are kept in memory, so that a test can
 * hand the very same ReadableSpans to a real OTLP exporter (once, or twice to test a re-send).
 */
export function recordingTracer(resource: Record<string, string>, scope = 'spendlens-test-genai') {
  const memory = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  })
  const tracer = provider.getTracer(scope, '1.0.0')
  return {
    tracer,
    /** A span under `parent` (a root span without one). */
    start(name: string, attributes: Record<string, string | number | boolean>, parent?: Span): Span {
      const parentContext = parent ? trace.setSpan(context.active(), parent) : context.active()
      return tracer.startSpan(name, { attributes }, parentContext)
    },
    finished: (): ReadableSpan[] => memory.getFinishedSpans(),
    shutdown: () => provider.shutdown(),
  }
}

/** Sends spans through a real exporter and answers its result code (0: success) and any error. */
export function exportSpans(
  exporter: SpanExporter,
  spans: ReadableSpan[],
): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(spans, (result) => resolve(result)))
}
