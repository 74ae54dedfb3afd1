import type { ChatDialect, ResponsesDialect } from '../openai/openai-methods.js'

/**
 * A provider reached through the official `openai` client with another `baseURL`: how it is
 * recognised, and how its Chat Completions (and its Responses API, where it offers one) count usage
 * (each in its own folder, with its counting rules written above its converter).
 */
export interface CompatibleProvider extends ChatDialect {
  /** Recorded as the event's `provider`: the price catalog's id for it, where it has one. */
  id: string
  /** Whether a client's base URL is this provider's API. */
  matches(url: URL): boolean
  /**
   * How its Responses API (`responses.create`) counts usage, where the provider offers one. Absent:
   * the provider has no Responses API, and a call to it is counted by OpenAI's rules.
   */
  responses?: ResponsesDialect
  /**
   * Runs on the caller's own machine (Ollama, vLLM, LM Studio): every call is a known $0, priced
   * `free:<id>`, never unpriced.
   */
  free?: boolean
}

/** A base URL on one of these hosts or their subdomains. */
export function onHosts(...domains: string[]): (url: URL) => boolean {
  return (url) => domains.some((domain) => url.hostname === domain || url.hostname.endsWith(`.${domain}`))
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0'])

/**
 * A server on the caller's machine at its default port. The port, not the host alone: a proxy on
 * localhost in front of a paid API (LiteLLM, a gateway) must not be priced as free.
 */
export function onLoopbackPort(port: string): (url: URL) => boolean {
  return (url) => LOOPBACK.has(url.hostname) && url.port === port
}
