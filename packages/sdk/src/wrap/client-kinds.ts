import { ANTHROPIC_METHODS } from '../providers/anthropic/anthropic-methods.js'
import { field } from '../providers/count.js'
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
  /** Where the client has a notion of the provider's project its calls are billed to. */
  project?: BillingProject
}

/**
 * The provider's project a client bills to (OpenAI's `project` option, which the client sends as
 * the `OpenAI-Project` header), and the request header a call can name another one with.
 */
export interface BillingProject {
  /** The provider that defines the project: another one behind the same client ignores the header. */
  provider: string
  /** The client's own, or null when it has none. */
  fromClient: string | null
  /** Lower case, as requestHeader looks it up. */
  header: string
}

const nonEmpty = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null)

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
      ? {
          provider: providerFromBaseURL((client as { baseURL?: unknown }).baseURL),
          methods: OPENAI_METHODS,
          // `project` (openai v4–v6): the option, or $OPENAI_PROJECT_ID, sent as `OpenAI-Project`.
          project: {
            provider: 'openai',
            fromClient: nonEmpty(field(client, 'project')),
            header: 'openai-project',
          },
        }
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
