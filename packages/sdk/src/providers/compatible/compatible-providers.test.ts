import { describe, expect, it } from 'vitest'
import { providerFromBaseURL } from './compatible-providers.js'

describe('providerFromBaseURL', () => {
  it.each([
    ['https://api.openai.com/v1', 'openai'],
    ['https://api.x.ai/v1', 'x-ai'],
    ['https://api.deepseek.com', 'deepseek'],
    ['https://api.deepseek.com/v1', 'deepseek'],
    ['https://api.groq.com/openai/v1', 'groq'],
    ['https://api.mistral.ai/v1', 'mistral'],
    ['https://api.together.xyz/v1', 'together'],
    ['https://api.fireworks.ai/inference/v1', 'fireworks'],
    ['https://openrouter.ai/api/v1', 'openrouter'],
    ['https://contoso.openai.azure.com/openai/deployments/support-prod', 'azure'],
    ['https://contoso.cognitiveservices.azure.com/openai/v1/', 'azure'],
    ['https://api.perplexity.ai', 'perplexity'],
    ['https://api.cerebras.ai/v1', 'cerebras'],
    ['http://localhost:11434/v1', 'ollama'],
    ['http://127.0.0.1:8000/v1', 'vllm'],
    ['http://localhost:1234/v1', 'lmstudio'],
  ])('%s is %s', (baseURL, provider) => {
    expect(providerFromBaseURL(baseURL)).toBe(provider)
  })

  it.each([
    ['a localhost proxy at another port', 'http://localhost:4000/v1'],
    ['a host that only ends like a provider', 'https://notgroq.com/v1'],
    ['a provider name in the path', 'https://gateway.example.com/groq/v1'],
    ['the default port of a local server on another host', 'http://10.0.0.5:11434/v1'],
    ['no URL', undefined],
    ['not a URL', 'api.x.ai'],
  ])('keeps %s as openai', (_case, baseURL) => {
    expect(providerFromBaseURL(baseURL)).toBe('openai')
  })
})
