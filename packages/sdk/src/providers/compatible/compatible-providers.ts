import type { MethodSpec } from '../../record/tracked-call.js'
import { AZURE } from '../azure/azure.js'
import { CEREBRAS } from '../cerebras/cerebras.js'
import { DEEPSEEK } from '../deepseek/deepseek.js'
import { FIREWORKS } from '../fireworks/fireworks.js'
import { GROQ } from '../groq/groq.js'
import { LM_STUDIO, OLLAMA, VLLM } from '../local/local-servers.js'
import { MISTRAL } from '../mistral/mistral.js'
import { chatCompletions, OPENAI_METHODS, responsesMethod } from '../openai/openai-methods.js'
import { OPENROUTER } from '../openrouter/openrouter.js'
import { PERPLEXITY } from '../perplexity/perplexity.js'
import { TOGETHER } from '../together/together.js'
import { XAI } from '../xai/xai.js'
import type { CompatibleProvider } from './compatible-provider.js'

/** Every provider spendlens knows behind the `openai` client, each with its own counting rules. */
export const COMPATIBLE_PROVIDERS: readonly CompatibleProvider[] = [
  AZURE,
  CEREBRAS,
  DEEPSEEK,
  FIREWORKS,
  GROQ,
  MISTRAL,
  OPENROUTER,
  PERPLEXITY,
  TOGETHER,
  XAI,
  OLLAMA,
  VLLM,
  LM_STUDIO,
]

const BY_ID = new Map(COMPATIBLE_PROVIDERS.map((provider) => [provider.id, provider]))

/** Other names a caller may give in wrap's `provider` option (the AI SDK's, say) for the same provider. */
const ALIASES: Record<string, string> = {
  xai: 'x-ai',
  'azure-openai': 'azure',
  togetherai: 'together',
  'lm-studio': 'lmstudio',
}

/** The id a provider is recorded under, from a name a caller gave it. */
export function canonicalProvider(name: string): string {
  return ALIASES[name] ?? name
}

export function compatibleProvider(id: string): CompatibleProvider | undefined {
  return BY_ID.get(id)
}

/** A provider that runs on the caller's machine: its calls are a known $0 whatever the model. */
export function isFreeProvider(id: string): boolean {
  return BY_ID.get(id)?.free === true
}

/** The provider behind an OpenAI client, from its base URL; `openai` when the host is not a known other one. */
export function providerFromBaseURL(baseURL: unknown): string {
  if (typeof baseURL !== 'string') return 'openai'
  let url: URL
  try {
    url = new URL(baseURL)
  } catch {
    return 'openai'
  }
  return COMPATIBLE_PROVIDERS.find((provider) => provider.matches(url))?.id ?? 'openai'
}

const methodsByProvider = new Map<string, Record<string, MethodSpec>>()

/**
 * The methods wrap() tracks on an `openai` client that calls `provider`: OpenAI's, with the
 * provider's Chat Completions rules and its Responses API rules (where it has one), and every one
 * free on a local server.
 */
export function openaiClientMethods(provider: string): Record<string, MethodSpec> {
  const compatible = BY_ID.get(provider)
  if (!compatible) return OPENAI_METHODS
  let methods = methodsByProvider.get(provider)
  if (!methods) {
    const own: Record<string, MethodSpec> = {
      ...OPENAI_METHODS,
      'chat.completions.create': chatCompletions(compatible),
    }
    if (compatible.responses) own['responses.create'] = responsesMethod(compatible.responses)
    methods = compatible.free
      ? Object.fromEntries(Object.entries(own).map(([path, spec]) => [path, { ...spec, free: true }]))
      : own
    methodsByProvider.set(provider, methods)
  }
  return methods
}
