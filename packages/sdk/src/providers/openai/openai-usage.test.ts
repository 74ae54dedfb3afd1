import { describe, expect, it } from 'vitest'
import { emptyUsage } from '../../cost-event.js'
import {
  convertOpenAIChatUsage,
  convertOpenAIEmbeddingsUsage,
  convertOpenAIResponsesUsage,
} from './openai-usage.js'

describe('convertOpenAIChatUsage', () => {
  it('keeps prompt_tokens as the input total with the cached tokens as a subset', () => {
    const usage = convertOpenAIChatUsage({
      prompt_tokens: 1200,
      completion_tokens: 300,
      total_tokens: 1500,
      prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    })

    expect(usage).toStrictEqual({
      ...emptyUsage(),
      input_tokens: 1200,
      cache_read_tokens: 1024,
      output_tokens: 300,
      reasoning_tokens: 0,
      input_audio_tokens: 0,
      output_audio_tokens: 0,
    })
  })

  it('does not add reasoning tokens to completion tokens (they are already included)', () => {
    const usage = convertOpenAIChatUsage({
      prompt_tokens: 500,
      completion_tokens: 2000,
      total_tokens: 2500,
      completion_tokens_details: { reasoning_tokens: 1600 },
    })

    expect(usage.output_tokens).toBe(2000)
    expect(usage.reasoning_tokens).toBe(1600)
  })

  it('reads cache_write_tokens as another subset of the prompt', () => {
    const usage = convertOpenAIChatUsage({
      prompt_tokens: 3000,
      completion_tokens: 10,
      prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 1500 },
    })

    expect(usage).toMatchObject({ input_tokens: 3000, cache_read_tokens: 1000, cache_write_tokens: 1500 })
  })

  it('reads audio tokens of an audio model', () => {
    const usage = convertOpenAIChatUsage({
      prompt_tokens: 400,
      completion_tokens: 900,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 350 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 800 },
    })

    expect(usage).toMatchObject({ input_audio_tokens: 350, output_audio_tokens: 800 })
  })

  it('leaves counts the provider did not send as null, not 0', () => {
    expect(
      convertOpenAIChatUsage({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 }),
    ).toStrictEqual({
      ...emptyUsage(),
      input_tokens: 12,
      output_tokens: 3,
    })
    expect(convertOpenAIChatUsage(null)).toStrictEqual(emptyUsage())
    expect(convertOpenAIChatUsage(undefined)).toStrictEqual(emptyUsage())
    expect(convertOpenAIChatUsage({ prompt_tokens: 'many', completion_tokens: Number.NaN })).toStrictEqual(
      emptyUsage(),
    )
  })
})

describe('convertOpenAIResponsesUsage', () => {
  it('keeps input_tokens as the total with cached tokens as a subset, and reasoning inside output', () => {
    const usage = convertOpenAIResponsesUsage({
      input_tokens: 2048,
      input_tokens_details: { cached_tokens: 1536 },
      output_tokens: 900,
      output_tokens_details: { reasoning_tokens: 512 },
      total_tokens: 2948,
    })

    expect(usage).toStrictEqual({
      ...emptyUsage(),
      input_tokens: 2048,
      cache_read_tokens: 1536,
      output_tokens: 900,
      reasoning_tokens: 512,
    })
  })

  it('leaves a missing usage (an in-progress response) fully unknown', () => {
    expect(convertOpenAIResponsesUsage(null)).toStrictEqual(emptyUsage())
  })
})

describe('convertOpenAIEmbeddingsUsage', () => {
  it('counts prompt tokens as input and no output', () => {
    expect(convertOpenAIEmbeddingsUsage({ prompt_tokens: 1250, total_tokens: 1250 })).toStrictEqual({
      ...emptyUsage(),
      input_tokens: 1250,
      output_tokens: 0,
    })
  })

  it('leaves output unknown when the input is unknown', () => {
    expect(convertOpenAIEmbeddingsUsage(undefined)).toStrictEqual(emptyUsage())
  })
})
