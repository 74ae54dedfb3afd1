import { describe, expect, it } from 'vitest'
import { modelFamily } from './model-family.js'

describe('modelFamily', () => {
  it('puts a requested alias and the snapshot it resolved to in one family', () => {
    expect(modelFamily('openai', 'gpt-4o')).toBe('gpt-4o')
    expect(modelFamily('openai', 'gpt-4o-2024-08-06')).toBe('gpt-4o')
    expect(modelFamily('anthropic', 'claude-haiku-4-5')).toBe('claude-haiku-4-5')
    expect(modelFamily('anthropic', 'claude-haiku-4-5-20251001')).toBe('claude-haiku-4-5')
  })

  it("names the family by the catalog's entry, not by the snapshot's prefix", () => {
    expect(modelFamily('anthropic', 'claude-sonnet-4-20250514')).toBe('claude-sonnet-4-0')
    expect(modelFamily('openai', 'gpt-4o-mini-2024-07-18')).toBe('gpt-4o-mini')
  })

  it('keeps apart a snapshot the catalog prices apart', () => {
    expect(modelFamily('openai', 'gpt-4o-2024-05-13')).toBe('gpt-4o-2024-05-13')
  })

  it("finds spendlens' supplement's models", () => {
    expect(modelFamily('openai', 'tts-1-hd-1106')).toBe('tts-1-hd')
  })

  it('leaves a model neither knows as its own family', () => {
    expect(modelFamily('openai', 'quill-legal-ft-v2')).toBe('quill-legal-ft-v2')
    expect(modelFamily('acme', 'gpt-4o')).toBe('gpt-4o')
  })
})
