/*
 * Chat Completions of the OpenAI-compatible providers, in the shapes each one answers with (field
 * names and placement from each provider's API reference; ids, texts and timings made up). Counts
 * are chosen so that each counting rule changes the cost if it is got wrong.
 */
import type { ScriptedReply } from './scripted-provider.js'

type Json = Record<string, unknown>

/** A non-streamed Chat Completion answering `content` with `usage`, plus the provider's extras. */
export function completion(model: string, usage: Json, extra: Json = {}): ScriptedReply {
  return {
    json: {
      id: 'chatcmpl-compat-1',
      object: 'chat.completion',
      created: 1_765_000_000,
      model,
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Refunds take 5 days.' }, finish_reason: 'stop' },
      ],
      usage,
      ...extra,
    },
  }
}

/** One streamed chunk: a delta, or (with `finish`) the last choice; `extra` adds usage where the provider puts it. */
export function chunk(model: string, content: string | null, extra: Json = {}, finish = false): Json {
  return {
    id: 'chatcmpl-compat-2',
    object: 'chat.completion.chunk',
    created: 1_765_000_001,
    model,
    choices: [
      {
        index: 0,
        delta: content === null ? {} : { role: 'assistant', content },
        finish_reason: finish ? 'stop' : null,
      },
    ],
    ...extra,
  }
}

/** The chunk OpenAI-style providers add before `[DONE]` when asked for usage: no choices, only usage. */
export function usageChunk(model: string, usage: Json, extra: Json = {}): Json {
  return {
    id: 'chatcmpl-compat-2',
    object: 'chat.completion.chunk',
    created: 1_765_000_001,
    model,
    choices: [],
    usage,
    ...extra,
  }
}

export function stream(...chunks: Json[]): ScriptedReply {
  return { events: [...chunks.map((data) => ({ data })), { data: '[DONE]' }] }
}

/** xAI grok-4: reasoning reported beside completion_tokens, and total_tokens counting both. */
export const XAI_USAGE = {
  prompt_tokens: 1000,
  completion_tokens: 200,
  total_tokens: 2000,
  prompt_tokens_details: { text_tokens: 1000, audio_tokens: 0, image_tokens: 0, cached_tokens: 600 },
  completion_tokens_details: {
    reasoning_tokens: 800,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
  num_sources_used: 0,
}

/** DeepSeek deepseek-reasoner: cache hits and misses by DeepSeek's own names, reasoning inside completion. */
export const DEEPSEEK_USAGE = {
  prompt_tokens: 2000,
  completion_tokens: 300,
  total_tokens: 2300,
  completion_tokens_details: { reasoning_tokens: 200 },
  prompt_cache_hit_tokens: 1500,
  prompt_cache_miss_tokens: 500,
}

/*
 * deepseek-reasoner on DEEPSEEK_USAGE: prompt 2,000 = 1,500 cache hits + 500 misses; completion 300
 * (reasoning 200 of it). The catalog prices DeepSeek by time of day, and a call at its start:
 *   00:30–16:30 UTC: 500 × 0.55/1M + 1,500 × 0.14/1M + 300 × 2.19/1M = 0.000275 + 0.00021 + 0.000657 = $0.001142
 *   off-peak:        500 × 0.135/1M + 1,500 × 0.035/1M + 300 × 0.55/1M = 0.0000675 + 0.0000525 + 0.000165 = $0.000285
 * (The hits priced as misses would give, at peak, 2,000 × 0.55/1M + 0.000657 = $0.001757.)
 */
export function deepseekReasonerCost(ts: string): number {
  const minutes = new Date(ts).getUTCHours() * 60 + new Date(ts).getUTCMinutes()
  return minutes >= 30 && minutes < 16 * 60 + 30 ? 0.001142 : 0.000285
}

/** Groq llama-3.3-70b-versatile: token counts beside seconds of latency. */
export const GROQ_USAGE = {
  queue_time: 0.021,
  prompt_tokens: 1500,
  prompt_time: 0.0431,
  completion_tokens: 250,
  completion_time: 0.2083,
  total_tokens: 1750,
  total_time: 0.2514,
}

/** Mistral mistral-large-latest. */
export const MISTRAL_USAGE = { prompt_tokens: 800, completion_tokens: 150, total_tokens: 950 }

/** Together meta-llama/Llama-3.3-70B-Instruct-Turbo. */
export const TOGETHER_USAGE = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 }

/** Fireworks accounts/fireworks/models/deepseek-v3p2 with a prompt cache hit. */
export const FIREWORKS_USAGE = {
  prompt_tokens: 3000,
  completion_tokens: 400,
  total_tokens: 3400,
  prompt_tokens_details: { cached_tokens: 2000 },
}

/** OpenRouter openai/gpt-4o-mini with its charged cost (credits = US dollars). */
export const OPENROUTER_USAGE = {
  prompt_tokens: 1200,
  completion_tokens: 300,
  total_tokens: 1500,
  prompt_tokens_details: { cached_tokens: 1024, cache_write_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0 },
  cost: 0.0002935,
  is_byok: false,
  cost_details: {
    upstream_inference_cost: null,
    upstream_inference_prompt_cost: 0,
    upstream_inference_completions_cost: 0,
  },
}

/** The same call on the caller's own OpenAI key (BYOK): OpenRouter's fee, and what OpenAI billed. */
export const OPENROUTER_BYOK_USAGE = {
  ...OPENROUTER_USAGE,
  cost: 0.00001416,
  is_byok: true,
  cost_details: {
    upstream_inference_cost: 0.0002832,
    upstream_inference_prompt_cost: 0.0001032,
    upstream_inference_completions_cost: 0.00018,
  },
}

/** Perplexity sonar: tokens, the search context size, and what the call cost. */
export const PERPLEXITY_USAGE = {
  prompt_tokens: 50,
  completion_tokens: 400,
  total_tokens: 450,
  search_context_size: 'low',
  cost: { input_tokens_cost: 0.00005, output_tokens_cost: 0.0004, request_cost: 0.005, total_cost: 0.00545 },
}

/** Perplexity sonar-deep-research: citation and reasoning tokens and searches beside the completion. */
export const PERPLEXITY_DEEP_RESEARCH_USAGE = {
  prompt_tokens: 20,
  completion_tokens: 3000,
  total_tokens: 3020,
  citation_tokens: 12000,
  num_search_queries: 18,
  reasoning_tokens: 70000,
  search_context_size: 'low',
}

/** Azure OpenAI gpt-4o (2024-11-20) behind a deployment named after the team. */
export const AZURE_USAGE = {
  prompt_tokens: 1000,
  completion_tokens: 100,
  total_tokens: 1100,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
}

/** Azure's content filter results, on the answer and (as the first chunk) on a stream. */
export const AZURE_PROMPT_FILTER = {
  prompt_filter_results: [
    { prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' } } },
  ],
}

/** The first chunk of an Azure stream: the prompt filter results, no choices, and an empty model. */
export const AZURE_FILTER_CHUNK = {
  id: '',
  object: '',
  created: 0,
  model: '',
  choices: [],
  ...AZURE_PROMPT_FILTER,
}

/** Cerebras gpt-oss-120b, with its time_info. */
export const CEREBRAS_USAGE = {
  prompt_tokens: 2000,
  completion_tokens: 800,
  total_tokens: 2800,
  completion_tokens_details: { reasoning_tokens: 300 },
  prompt_tokens_details: { cached_tokens: 0 },
}
export const CEREBRAS_TIME_INFO = {
  queue_time: 0.0001,
  prompt_time: 0.002,
  completion_time: 0.3,
  total_time: 0.31,
  created: 1_765_000_000,
}

/** Ollama llama3.2 on the caller's machine. */
export const OLLAMA_USAGE = { prompt_tokens: 26, completion_tokens: 298, total_tokens: 324 }
