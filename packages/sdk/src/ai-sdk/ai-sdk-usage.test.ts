import { describe, expect, it } from 'vitest'
import { emptyUsage } from '../cost-event.js'
import { convertAiSdkUsage } from './ai-sdk-usage.js'

/** Anthropic's own usage object, as @ai-sdk/anthropic passes it on (v6 `usage.raw`, v5/v6 metadata). */
const anthropicRaw = {
  input_tokens: 50,
  cache_creation_input_tokens: 3000,
  cache_read_input_tokens: 10000,
  cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 1000 },
  output_tokens: 400,
  service_tier: 'standard',
}

const anthropicTotals = {
  ...emptyUsage(),
  input_tokens: 13050,
  cache_read_tokens: 10000,
  cache_write_tokens: 3000,
  cache_write_1h_tokens: 1000,
  output_tokens: 400,
}

describe('convertAiSdkUsage', () => {
  it('converts the provider’s raw usage of ai v6 with spendlens’ own converter', () => {
    const usage = {
      inputTokens: { total: 13050, noCache: 50, cacheRead: 10000, cacheWrite: 3000 },
      outputTokens: { total: 400, text: undefined, reasoning: undefined },
      raw: anthropicRaw,
    }

    expect(convertAiSdkUsage('anthropic', usage, undefined)).toStrictEqual(anthropicTotals)
  })

  it('adds Anthropic cache reads and writes to the ai v5 inputTokens, which exclude them', () => {
    const usage = { inputTokens: 50, outputTokens: 400, totalTokens: 450, cachedInputTokens: 10000 }
    const metadata = { anthropic: { cacheCreationInputTokens: 3000 } }

    // Without the raw usage in the metadata, the 1-hour share of the writes is unknown.
    expect(convertAiSdkUsage('anthropic', usage, metadata)).toStrictEqual({
      ...anthropicTotals,
      cache_write_1h_tokens: null,
    })
    expect(convertAiSdkUsage('anthropic', usage, { anthropic: { usage: anthropicRaw } })).toStrictEqual(
      anthropicTotals,
    )
  })

  it('adds Gemini thoughts to the ai v5 outputTokens, which exclude them', () => {
    const usage = {
      inputTokens: 12000,
      outputTokens: 350,
      totalTokens: 13550,
      reasoningTokens: 1200,
      cachedInputTokens: 8000,
    }

    expect(convertAiSdkUsage('google', usage, undefined)).toStrictEqual({
      ...emptyUsage(),
      input_tokens: 12000,
      cache_read_tokens: 8000,
      output_tokens: 1550,
      reasoning_tokens: 1200,
    })
  })

  it('prefers Gemini’s usageMetadata, which also counts tool-use prompt tokens', () => {
    const usage = { inputTokens: 500, outputTokens: 200, totalTokens: 2200 }
    const metadata = {
      google: {
        usageMetadata: { promptTokenCount: 500, candidatesTokenCount: 200, toolUsePromptTokenCount: 1500 },
      },
    }

    expect(convertAiSdkUsage('google', usage, metadata)).toMatchObject({
      input_tokens: 2000,
      output_tokens: 200,
    })
  })

  it('takes OpenAI’s ai v5 counts as they are: cached tokens inside the input, reasoning inside the output', () => {
    const usage = {
      inputTokens: 500,
      outputTokens: 2000,
      totalTokens: 2500,
      reasoningTokens: 1600,
      cachedInputTokens: 0,
    }

    expect(convertAiSdkUsage('openai', usage, undefined)).toStrictEqual({
      ...emptyUsage(),
      input_tokens: 500,
      cache_read_tokens: 0,
      output_tokens: 2000,
      reasoning_tokens: 1600,
    })
  })

  it('takes the ai v6 summary of a provider it has no converter for (totals include cache and reasoning)', () => {
    const usage = {
      inputTokens: { total: 3000, noCache: 1000, cacheRead: 2000, cacheWrite: undefined },
      outputTokens: { total: 900, text: 400, reasoning: 500 },
      raw: { prompt_tokens: 3000, prompt_cache_hit_tokens: 2000, completion_tokens: 900 },
    }

    expect(convertAiSdkUsage('other', usage, undefined)).toStrictEqual({
      ...emptyUsage(),
      input_tokens: 3000,
      cache_read_tokens: 2000,
      output_tokens: 900,
      reasoning_tokens: 500,
    })
  })

  it('leaves counts the provider did not give unknown, not 0', () => {
    expect(convertAiSdkUsage('openai', undefined, undefined)).toStrictEqual(emptyUsage())
    expect(
      convertAiSdkUsage(
        'other',
        {
          inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: undefined, text: undefined, reasoning: undefined },
        },
        undefined,
      ),
    ).toStrictEqual(emptyUsage())
    expect(
      convertAiSdkUsage('anthropic', { inputTokens: undefined, outputTokens: undefined }, undefined),
    ).toStrictEqual(emptyUsage())
  })
})
