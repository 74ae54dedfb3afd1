import { describe, expect, it } from 'vitest'
import { describeModelProvider } from './spendlens-middleware.js'

describe('describeModelProvider', () => {
  it.each([
    ['openai.chat', { provider: 'openai', family: 'openai', operation: 'chat' }],
    ['openai.responses', { provider: 'openai', family: 'openai', operation: 'responses' }],
    ['azure.chat', { provider: 'azure', family: 'openai', operation: 'chat' }],
    ['anthropic.messages', { provider: 'anthropic', family: 'anthropic', operation: 'messages' }],
    ['google.generative-ai', { provider: 'google', family: 'google', operation: 'generate_content' }],
    ['google.vertex.chat', { provider: 'vertex', family: 'google', operation: 'generate_content' }],
    ['vertex.anthropic.messages', { provider: 'vertex', family: 'anthropic', operation: 'messages' }],
    ['xai.chat', { provider: 'x-ai', family: 'other', operation: 'chat' }],
    ['amazon-bedrock', { provider: 'bedrock', family: 'other', operation: 'chat' }],
    ['groq.chat', { provider: 'groq', family: 'other', operation: 'chat' }],
  ])('reads %s as the catalog’s provider and the right usage converter', (modelProvider, expected) => {
    expect(describeModelProvider(modelProvider)).toStrictEqual(expected)
  })
})
