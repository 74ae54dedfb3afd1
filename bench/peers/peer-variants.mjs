// The tools bench:sdk measures spendlens against, each set up as its documentation says, with its
// defaults, sending to the bench's fake receiver (Langfuse) or to an exporter that drops the spans
// (OpenLLMetry: what an OTLP exporter does with them is not the instrumentation's cost).
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai'
import { observeOpenAI } from 'langfuse'

/** Langfuse's OpenAI wrapper (`langfuse` v3 `observeOpenAI`), its events posted to `baseUrl`. */
export function langfuseClient(client, baseUrl) {
  const observed = observeOpenAI(client, {
    clientInitParams: { publicKey: 'pk-lf-bench', secretKey: 'sk-lf-bench', baseUrl },
  })
  return { client: observed, flush: () => observed.flushAsync() }
}

/** OpenLLMetry's OpenAI instrumentation on the OpenTelemetry Node SDK, batched spans dropped. */
export function openLLMetryClient(OpenAI, makeClient) {
  let exported = 0
  const exporter = {
    export(spans, done) {
      exported += spans.length
      done({ code: 0 })
    },
    shutdown: async () => undefined,
    forceFlush: async () => undefined,
  }
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] })
  provider.register()
  const instrumentation = new OpenAIInstrumentation()
  instrumentation.setTracerProvider(provider)
  instrumentation.manuallyInstrument(OpenAI)
  return { client: makeClient(), flush: () => provider.forceFlush(), exported: () => exported }
}
