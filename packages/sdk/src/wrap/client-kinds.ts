import { ANTHROPIC_METHODS } from '../providers/anthropic/anthropic-methods.js'
import { BEDROCK_METHODS } from '../providers/bedrock/bedrock.js'
import {
  canonicalProvider,
  openaiClientMethods,
  providerFromBaseURL,
} from '../providers/compatible/compatible-providers.js'
import { field } from '../providers/count.js'
import { GOOGLE_METHODS } from '../providers/google/google-methods.js'
import { VERTEX_ANTHROPIC_METHODS } from '../providers/vertex/vertex.js'
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
  /** The deployment type or endpoint the client's calls go to, where it tells (Vertex's region). */
  deployment?: string
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
 * AnthropicVertex's `region`: `global` is the global endpoint (the catalog's prices); any other
 * (`us-east5`, `europe-west1`, the multi-region `us` and `eu`) is a regional endpoint, which Vertex
 * bills above the global one for the newer Claude models (supplement `deployments`).
 */
function vertexEndpoint(region: unknown): { deployment?: string } {
  if (typeof region !== 'string' || region === '') return {}
  return { deployment: region === 'global' ? 'global' : 'regional' }
}

/** The Anthropic-shaped clients' methods by provider: the clouds price by the requested model id. */
const ANTHROPIC_CLIENT_METHODS: Record<string, Record<string, MethodSpec>> = {
  bedrock: BEDROCK_METHODS,
  vertex: VERTEX_ANTHROPIC_METHODS,
}

/**
 * The supported clients, recognised by shape rather than by class so the SDK needs none of them
 * installed. The first match wins: order from the most specific shape to the least. `named` is
 * wrap's `provider` option, which wins over what the client tells.
 */
const CLIENT_KINDS: ((client: object, named: string | undefined) => ClientShape | undefined)[] = [
  (client, named) => {
    if (!hasMethod(client, 'chat', 'completions', 'create')) return undefined
    // AzureOpenAI has an `apiVersion` (and any base URL, e.g. an API Management gateway).
    const provider =
      named ??
      (typeof field(client, 'apiVersion') === 'string'
        ? 'azure'
        : providerFromBaseURL(field(client, 'baseURL')))
    return {
      provider,
      methods: openaiClientMethods(provider),
      // `project` (openai v4–v6): the option, or $OPENAI_PROJECT_ID, sent as `OpenAI-Project`.
      project: {
        provider: 'openai',
        fromClient: nonEmpty(field(client, 'project')),
        header: 'openai-project',
      },
    }
  },
  (client, named) => {
    if (!hasMethod(client, 'messages', 'create')) return undefined
    // AnthropicBedrock has `awsRegion`; AnthropicVertex `region` and `projectId`.
    const provider =
      named ??
      (typeof field(client, 'awsRegion') === 'string'
        ? 'bedrock'
        : typeof field(client, 'region') === 'string' && 'projectId' in client
          ? 'vertex'
          : 'anthropic')
    return {
      provider,
      methods: ANTHROPIC_CLIENT_METHODS[provider] ?? ANTHROPIC_METHODS,
      ...(provider === 'vertex' ? vertexEndpoint(field(client, 'region')) : {}),
    }
  },
  // @google/genai's GoogleGenAI: the Gemini API (`google`) or Vertex AI (`vertex`), priced alike.
  (client, named) =>
    hasMethod(client, 'models', 'generateContent')
      ? {
          provider: named ?? (field(client, 'vertexai') === true ? 'vertex' : 'google'),
          methods: GOOGLE_METHODS,
          helperPaths: ['chats'],
        }
      : undefined,
]

/** What wrap() needs to know of `client`; `provider` is wrap's option, recorded under its usual id. */
export function detectClient(client: object, provider?: string): ClientShape | undefined {
  const named = provider === undefined ? undefined : canonicalProvider(provider)
  for (const kind of CLIENT_KINDS) {
    const shape = kind(client, named)
    if (shape) return shape
  }
  return undefined
}
