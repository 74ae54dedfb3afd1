/**
 * Recorded-style provider answers for the AI SDK tests, as ScriptedReply values: a two-step
 * tool-calling run on OpenAI Chat Completions (a `getWeather` call, then the answer), plain and
 * streamed, and Anthropic Messages with prompt caching. Only ids, text and counts are invented.
 */
import { type JsonObject, MESSAGES_FIXTURES, openaiErrorBody, RESPONSES_FIXTURES } from './fixtures.js'
import type { ScriptedReply } from './scripted-provider.js'

const header = {
  object: 'chat.completion',
  created: 1754500000,
  model: 'gpt-4o-mini-2024-07-18',
  service_tier: 'default',
  system_fingerprint: 'fp_34a54ae93c',
}

function chatUsage(prompt: number, cached: number, completion: number): JsonObject {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  }
}

/** Step 1: gpt-4o-mini calls getWeather. prompt_tokens 1,200 (1,024 cached), completion_tokens 20. */
export const chatToolCall: JsonObject = {
  id: 'chatcmpl-CAJ1tQ0sTep1ToolCa11x9',
  ...header,
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_Wx7kP2qTz9LmN4bVd1Hc',
            type: 'function',
            function: { name: 'getWeather', arguments: '{"city":"Paris"}' },
          },
        ],
        refusal: null,
        annotations: [],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
  ],
  usage: chatUsage(1200, 1024, 20),
}

/** Step 2: the answer, with the tool result in the prompt. prompt_tokens 1,260 (1,024 cached), completion_tokens 40. */
export const chatAnswer: JsonObject = {
  id: 'chatcmpl-CAJ1tQ0sTep2Answerx9k',
  ...header,
  created: 1754500002,
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'It is 18°C and sunny in Paris.',
        refusal: null,
        annotations: [],
      },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: chatUsage(1260, 1024, 40),
}

/** The same completion as the API streams it when the request sets `stream_options.include_usage`. */
function chatEvents(completion: JsonObject): ScriptedReply['events'] {
  const { choices, usage, object: _object, ...rest } = completion
  const chunkHeader = { ...rest, object: 'chat.completion.chunk' }
  const choice = (choices as JsonObject[])[0] as JsonObject
  const message = choice.message as JsonObject
  const chunk = (delta: JsonObject, finishReason: string | null = null): JsonObject => ({
    ...chunkHeader,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    usage: null,
  })
  const chunks: JsonObject[] = []
  const toolCalls = message.tool_calls as JsonObject[] | null
  if (toolCalls) {
    for (const [index, call] of toolCalls.entries()) {
      const fn = call.function as JsonObject
      const args = String(fn.arguments)
      chunks.push(
        chunk({
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              index,
              id: call.id ?? null,
              type: 'function',
              function: { name: fn.name ?? null, arguments: '' },
            },
          ],
          refusal: null,
        }),
        chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, 9) } }] }),
        chunk({ tool_calls: [{ index, function: { arguments: args.slice(9) } }] }),
      )
    }
  } else {
    const text = String(message.content)
    chunks.push(
      chunk({ role: 'assistant', content: '', refusal: null }),
      chunk({ content: text.slice(0, 12) }),
      chunk({ content: text.slice(12) }),
    )
  }
  chunks.push(chunk({}, String(choice.finish_reason)))
  chunks.push({ ...chunkHeader, choices: [], usage: usage ?? null })
  return [...chunks.map((data) => ({ data })), { data: '[DONE]' }]
}

const openaiHeaders = (requestId: string) => ({ 'x-request-id': requestId })

export const OPENAI_TOOL_RUN: ScriptedReply[] = [
  { json: chatToolCall, headers: openaiHeaders('req_step1toolcall') },
  { json: chatAnswer, headers: openaiHeaders('req_step2answer') },
]

export const OPENAI_TOOL_RUN_STREAMED: ScriptedReply[] = [
  { events: chatEvents(chatToolCall), headers: openaiHeaders('req_step1toolcall') },
  { events: chatEvents(chatAnswer), headers: openaiHeaders('req_step2answer') },
]

/** gpt-4.1-mini on the Responses API: input_tokens 2,048 (1,536 cached), output_tokens 512. */
export const OPENAI_RESPONSES_REPLY: ScriptedReply = {
  json: (RESPONSES_FIXTURES['gpt-4.1-mini'] as { response: JsonObject }).response,
  headers: openaiHeaders('req_responses1'),
}

/** A model no price catalog knows, answered on Chat Completions. */
export const OPENAI_UNKNOWN_MODEL_REPLY: ScriptedReply = {
  json: { ...chatAnswer, model: 'acme-unreleased-1', usage: chatUsage(100, 0, 20) },
  headers: openaiHeaders('req_unknown1'),
}

/** gpt-4o-2024-11-20 behind an Azure deployment: prompt 1,000, completion 100. */
export const AZURE_REPLY: ScriptedReply = {
  json: { ...chatAnswer, model: 'gpt-4o-2024-11-20', usage: chatUsage(1000, 0, 100) },
  headers: openaiHeaders('req_azure1'),
}

export const OPENAI_RATE_LIMITED_REPLY: ScriptedReply = {
  status: 429,
  json: openaiErrorBody(429),
  headers: openaiHeaders('req_ratelimited1'),
}

const sonnet = MESSAGES_FIXTURES['claude-sonnet-4-0'] as { message: JsonObject; events: JsonObject[] }

/**
 * claude-sonnet-4 with prompt caching (fixtures.ts): input_tokens 50 uncached, cache_read_input_tokens
 * 10,000, cache_creation_input_tokens 3,000 (1,000 of them with the 1-hour TTL), output_tokens 400.
 */
export const ANTHROPIC_CACHED_REPLY: ScriptedReply = {
  json: sonnet.message,
  headers: { 'request-id': 'req_011CAnthropicCached1' },
}

export const ANTHROPIC_CACHED_REPLY_STREAMED: ScriptedReply = {
  events: sonnet.events.map((event) => ({ event: String(event.type), data: event })),
  headers: { 'request-id': 'req_011CAnthropicCached2' },
}
