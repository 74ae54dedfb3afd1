import { ANTHROPIC_METHODS } from '../providers/anthropic/anthropic-methods.js'
import { GOOGLE_METHODS } from '../providers/google/google-methods.js'
import { OPENAI_METHODS, providerFromBaseURL } from '../providers/openai/openai-methods.js'
import type { MethodSpec } from '../record/tracked-call.js'

/** What wrap() needs to know about a client: who bills its calls, and which methods to record. */
export interface ClientShape {
  provider: string
  /** Dotted method paths from the client (`chat.completions.create`) to how each is observed. */
  methods: Record<string, MethodSpec>
  /** Other objects whose helpers call the tracked methods through `this` (Gemini's `chats`). */
  helperPaths?: string[]
}

function hasMethod(object: unknown, ...path: string[]): boolean {
  let current = object as Record<string, unknown> | undefined
  for (const key of path) current = current?.[key] as Record<string, unknown> | undefined
  return typeof current === 'function'
}

/**
 * The supported clients, recognised by shape rather than by class so the SDK needs none of them
 * installed. The first match wins: order from the most specific shape to the least.
 */
const CLIENT_KINDS: ((client: object) => ClientShape | undefined)[] = [
  (client) =>
    hasMethod(client, 'chat', 'completions', 'create')
      ? { provider: providerFromBaseURL((client as { baseURL?: unknown }).baseURL), methods: OPENAI_METHODS }
      : undefined,
  (client) =>
    hasMethod(client, 'messages', 'create')
      ? { provider: 'anthropic', methods: ANTHROPIC_METHODS }
      : undefined,
  // @google/genai's GoogleGenAI (Gemini API or Vertex AI: the catalog prices both as `google`).
  (client) =>
    hasMethod(client, 'models', 'generateContent')
      ? { provider: 'google', methods: GOOGLE_METHODS, helperPaths: ['chats'] }
      : undefined,
]

export function detectClient(client: object): ClientShape | undefined {
  for (const kind of CLIENT_KINDS) {
    const shape = kind(client)
    if (shape) return shape
  }
  return undefined
}
