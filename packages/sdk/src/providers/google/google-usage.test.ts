import { describe, expect, it } from 'vitest'
import { emptyUsage } from '../../cost-event.js'
import { convertGoogleEmbeddingUsage, convertGoogleUsage } from './google-usage.js'

describe('convertGoogleUsage', () => {
  it('adds thinking tokens to the candidates for output and keeps them as the reasoning part', () => {
    const usage = convertGoogleUsage({
      promptTokenCount: 12000,
      candidatesTokenCount: 350,
      totalTokenCount: 13550,
      cachedContentTokenCount: 8000,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12000 }],
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 8000 }],
      thoughtsTokenCount: 1200,
    })

    expect(usage).toStrictEqual({
      ...emptyUsage(),
      input_tokens: 12000,
      cache_read_tokens: 8000,
      output_tokens: 1550,
      reasoning_tokens: 1200,
    })
  })

  it('keeps promptTokenCount as the input total with the cached tokens as a subset', () => {
    const usage = convertGoogleUsage({
      promptTokenCount: 5000,
      cachedContentTokenCount: 4096,
      candidatesTokenCount: 10,
    })

    expect(usage).toMatchObject({ input_tokens: 5000, cache_read_tokens: 4096 })
  })

  it('adds tool-use prompt tokens, which the prompt count leaves out, to input', () => {
    const usage = convertGoogleUsage({
      promptTokenCount: 500,
      candidatesTokenCount: 200,
      toolUsePromptTokenCount: 1500,
      totalTokenCount: 2200,
    })

    expect(usage).toMatchObject({ input_tokens: 2000, output_tokens: 200, reasoning_tokens: null })
  })

  it('reads counts the API left out (it omits zeros) as no output, not unknown input', () => {
    // A blocked prompt: nothing generated, so the API sends no candidates count at all.
    expect(convertGoogleUsage({ promptTokenCount: 40, totalTokenCount: 40 })).toStrictEqual({
      ...emptyUsage(),
      input_tokens: 40,
      output_tokens: 0,
    })
  })

  it('reports audio input for its own rate when nothing came from the cache', () => {
    const usage = convertGoogleUsage({
      promptTokenCount: 1000,
      candidatesTokenCount: 50,
      promptTokensDetails: [
        { modality: 'TEXT', tokenCount: 200 },
        { modality: 'AUDIO', tokenCount: 800 },
      ],
    })

    expect(usage.input_audio_tokens).toBe(800)
  })

  it('counts the cached part of audio input from cacheTokensDetails, for its own cache rate', () => {
    const usage = convertGoogleUsage({
      promptTokenCount: 1000,
      cachedContentTokenCount: 600,
      candidatesTokenCount: 50,
      promptTokensDetails: [{ modality: 'AUDIO', tokenCount: 1000 }],
      cacheTokensDetails: [{ modality: 'AUDIO', tokenCount: 600 }],
    })

    expect(usage).toMatchObject({
      input_tokens: 1000,
      cache_read_tokens: 600,
      input_audio_tokens: 1000,
      cache_read_audio_tokens: 600,
    })
  })

  it('reads a cache breakdown without audio as none of the audio cached', () => {
    const usage = convertGoogleUsage({
      promptTokenCount: 1000,
      cachedContentTokenCount: 200,
      promptTokensDetails: [
        { modality: 'TEXT', tokenCount: 200 },
        { modality: 'AUDIO', tokenCount: 800 },
      ],
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 200 }],
    })

    expect(usage).toMatchObject({ input_audio_tokens: 800, cache_read_audio_tokens: 0 })
  })

  it('leaves both audio counts out when a cache hit on audio comes without its breakdown', () => {
    // The catalog cannot split the cache read without it: the call is priced at the text rates.
    const usage = convertGoogleUsage({
      promptTokenCount: 1000,
      cachedContentTokenCount: 600,
      candidatesTokenCount: 50,
      promptTokensDetails: [{ modality: 'AUDIO', tokenCount: 1000 }],
    })

    expect(usage).toMatchObject({
      input_tokens: 1000,
      cache_read_tokens: 600,
      input_audio_tokens: null,
      cache_read_audio_tokens: null,
    })
  })

  it('leaves everything unknown when there is no usageMetadata', () => {
    expect(convertGoogleUsage(undefined)).toStrictEqual(emptyUsage())
    expect(convertGoogleUsage(null)).toStrictEqual(emptyUsage())
    expect(convertGoogleUsage({})).toStrictEqual(emptyUsage())
  })
})

describe('convertGoogleEmbeddingUsage', () => {
  it('sums the token counts Vertex AI gives each embedding as the input', () => {
    const usage = convertGoogleEmbeddingUsage({
      embeddings: [
        { values: [0.1], statistics: { tokenCount: 7, truncated: false } },
        { values: [0.2], statistics: { tokenCount: 8, truncated: false } },
      ],
      metadata: { billableCharacterCount: 60 },
    })
    expect(usage).toMatchObject({ input_tokens: 15, output_tokens: 0 })
  })

  it('leaves the input unknown when the Gemini API counts nothing, or counts only some', () => {
    expect(convertGoogleEmbeddingUsage({ embeddings: [{ values: [0.1] }] }).input_tokens).toBeNull()
    expect(
      convertGoogleEmbeddingUsage({
        embeddings: [{ values: [0.1], statistics: { tokenCount: 7 } }, { values: [0.2] }],
      }).input_tokens,
    ).toBeNull()
  })
})
