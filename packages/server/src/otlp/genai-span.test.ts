import { describe, expect, it } from 'vitest'
import { spanEvent } from './genai-span.js'
import type { AttributeValue, OtlpSpan } from './otlp-spans.js'

/** A span as otlp-spans.ts reads one, with `attributes` (the HTTP tests send real exporters' spans). */
function span(
  attributes: Record<string, AttributeValue>,
  resource: Record<string, AttributeValue> = {},
): OtlpSpan {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: '',
    name: 'chat',
    startTimeUnixNano: '1796000000000000000',
    endTimeUnixNano: '1796000001500000000',
    failed: false,
    attributes: new Map(Object.entries(attributes)),
    resource: new Map(Object.entries(resource)),
    scope: { name: 'test', version: '' },
  }
}

const value = (result: ReturnType<typeof spanEvent>) =>
  result && 'value' in result ? result.value : undefined

describe('spanEvent', () => {
  it.each([
    ['gcp.gemini', 'google', 'generate_content'],
    ['gcp.vertex_ai', 'google', 'generate_content'],
    ['aws.bedrock', 'aws', 'chat'],
    ['az.ai.openai', 'azure', 'chat'],
    ['mistral_ai', 'mistral', 'chat'],
    ['x_ai', 'x-ai', 'chat'],
    ['Anthropic', 'anthropic', 'messages'],
    ['anthropic.messages', 'anthropic', 'messages'],
    ['openai.responses', 'openai', 'responses'],
  ])('names the provider %s as the catalog does (%s), with its operation', (raw, provider, operation) => {
    const event = value(spanEvent(span({ 'gen_ai.provider.name': raw, 'gen_ai.request.model': 'm' })))
    expect(event).toMatchObject({ provider, operation })
  })

  it('reads an embeddings span as embeddings', () => {
    const event = value(
      spanEvent(
        span({
          'gen_ai.system': 'openai',
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.request.model': 'text-embedding-3-small',
        }),
      ),
    )
    expect(event).toMatchObject({ operation: 'embeddings' })
  })

  it("adds Anthropic's cache to an input smaller than the cache, whatever the instrumentation", () => {
    const event = value(
      spanEvent(
        span({
          'gen_ai.system': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-20250514',
          'gen_ai.usage.input_tokens': 50,
          'gen_ai.usage.cache_read.input_tokens': 10000,
        }),
      ),
    )
    expect(event).toMatchObject({ input_tokens: 10050, cache_read_tokens: 10000 })
  })

  it('takes an Anthropic input at least as large as the cache as the total', () => {
    const event = value(
      spanEvent(
        span({
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-20250514',
          'gen_ai.usage.input_tokens': 13050,
          'gen_ai.usage.cache_read.input_tokens': 10000,
          'gen_ai.usage.cache_creation.input_tokens': 3000,
        }),
      ),
    )
    expect(event).toMatchObject({ input_tokens: 13050 })
  })

  it('cuts long labels and stops at the tag limit instead of losing the call', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 100 }, (_, index) => [`traceloop.association.properties.k${index}`, 'v']),
    )
    const event = value(
      spanEvent(
        span({
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'traceloop.association.properties.customer_id': 'c'.repeat(5000),
          ...properties,
        }),
      ),
    ) as { tags: Record<string, string>; customer_id: string }
    expect(event.customer_id).toHaveLength(500)
    expect(Object.keys(event.tags).length).toBeLessThanOrEqual(64)
  })

  it('ignores a span without GenAI provider or usage, and rejects a GenAI span without a model', () => {
    expect(spanEvent(span({ 'http.request.method': 'GET' }))).toBeNull()
    expect(spanEvent(span({ 'gen_ai.system': 'openai' }))).toEqual({
      error: expect.stringContaining('without a model'),
    })
  })
})
