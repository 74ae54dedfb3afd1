import { describe, expect, it } from 'vitest'
import { emptyUsage } from '../../cost-event.js'
import { convertAnthropicUsage } from './anthropic-usage.js'

describe('convertAnthropicUsage', () => {
  it('adds cache reads and writes to input_tokens, which excludes them', () => {
    const usage = convertAnthropicUsage({
      input_tokens: 50,
      cache_creation_input_tokens: 3000,
      cache_read_input_tokens: 10000,
      cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 1000 },
      output_tokens: 400,
      service_tier: 'standard',
    })

    expect(usage).toStrictEqual({
      ...emptyUsage(),
      input_tokens: 13050,
      cache_read_tokens: 10000,
      cache_write_tokens: 3000,
      cache_write_1h_tokens: 1000,
      output_tokens: 400,
    })
  })

  it('treats a response without cache fields as all uncached input', () => {
    expect(convertAnthropicUsage({ input_tokens: 25, output_tokens: 120 })).toStrictEqual({
      ...emptyUsage(),
      input_tokens: 25,
      output_tokens: 120,
    })
  })

  it('accepts null cache fields as the SDK types allow', () => {
    const usage = convertAnthropicUsage({
      input_tokens: 25,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
      cache_creation: null,
      output_tokens: 120,
      server_tool_use: null,
    })

    expect(usage).toMatchObject({ input_tokens: 25, cache_read_tokens: null, cache_write_tokens: null })
  })

  it('counts web search requests', () => {
    const usage = convertAnthropicUsage({
      input_tokens: 1000,
      output_tokens: 200,
      server_tool_use: { web_search_requests: 2, web_fetch_requests: 0 },
    })

    expect(usage.web_search_requests).toBe(2)
  })

  it('keeps only the 1-hour part of cache writes in cache_write_1h_tokens', () => {
    const usage = convertAnthropicUsage({
      input_tokens: 10,
      cache_creation_input_tokens: 500,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 0 },
      output_tokens: 5,
    })

    expect(usage).toMatchObject({ input_tokens: 510, cache_write_tokens: 500, cache_write_1h_tokens: 0 })
  })

  it('leaves everything unknown when there is no usage', () => {
    expect(convertAnthropicUsage(undefined)).toStrictEqual(emptyUsage())
  })
})
