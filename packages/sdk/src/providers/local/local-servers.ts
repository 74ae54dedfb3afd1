import { type CompatibleProvider, onLoopbackPort } from '../compatible/compatible-provider.js'
import { OPENAI_RESPONSES } from '../openai/openai-methods.js'
import { convertOpenAIChatUsage } from '../openai/openai-usage.js'

/*
 * Servers that run open models on the caller's own machine, through their OpenAI-compatible API.
 *
 * Counting rules: OpenAI's usage shape (`prompt_tokens`, `completion_tokens`), counted by OpenAI's
 * converter so the tokens still show. Nothing is billed: every call is a known $0 (`free:<id>`),
 * not unpriced. Recognised at their default port on a loopback host only (Ollama 11434, LM Studio
 * 1234, vLLM 8000), or named with wrap's `provider` option: any other localhost URL may be a proxy
 * in front of a paid API and keeps the client's provider.
 *
 * Streams: Ollama and vLLM honour `stream_options.include_usage`; LM Studio is not asked.
 *
 * Responses API: all three serve `/v1/responses` in OpenAI's shape; OpenAI's Responses rules count
 * the tokens, and the call is a known $0 like every other call to them.
 */

export const OLLAMA: CompatibleProvider = {
  id: 'ollama',
  matches: onLoopbackPort('11434'),
  convertUsage: convertOpenAIChatUsage,
  askForStreamUsage: true,
  free: true,
  responses: OPENAI_RESPONSES,
}

export const VLLM: CompatibleProvider = {
  id: 'vllm',
  matches: onLoopbackPort('8000'),
  convertUsage: convertOpenAIChatUsage,
  askForStreamUsage: true,
  free: true,
  responses: OPENAI_RESPONSES,
}

export const LM_STUDIO: CompatibleProvider = {
  id: 'lmstudio',
  matches: onLoopbackPort('1234'),
  convertUsage: convertOpenAIChatUsage,
  askForStreamUsage: false,
  free: true,
  responses: OPENAI_RESPONSES,
}
