/**
 * Recorded-style provider response bodies the fake provider serves, keyed by the model the request
 * names. Shapes follow what the real APIs put on the wire (see /work/shared/reference/provider-usage.md);
 * only ids, text and counts are invented. The hand-checked costs live in the tests that use them.
 *
 * The streamed Chat Completions chunks are written WITHOUT a `usage` key: the fake adds
 * `"usage": null` to each and appends `chatUsageChunk` only when the request sets
 * `stream_options.include_usage`, exactly as the real API does.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type JsonObject = { [key: string]: Json }

// ---------------------------------------------------------------- OpenAI Chat Completions

export interface ChatFixture {
  completion: JsonObject
  /** Streamed chunks as sent without `stream_options.include_usage`. */
  chunks?: JsonObject[]
}

/** gpt-4o-mini with a prompt-cache hit: 1,200 prompt tokens of which 1,024 cached; 300 completion tokens. */
const gpt4oMiniCompletion: JsonObject = {
  id: 'chatcmpl-C9vKq1sRNm0pXw3u2TfJ8yLd',
  object: 'chat.completion',
  created: 1754400000,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'Refunds are processed within 5 business days.',
        refusal: null,
        annotations: [],
      },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 1200,
    completion_tokens: 300,
    total_tokens: 1500,
    prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_34a54ae93c',
}

const chunkHeader = {
  id: 'chatcmpl-C9vKq1sRNm0pXw3u2TfJ8yLd',
  object: 'chat.completion.chunk',
  created: 1754400000,
  model: 'gpt-4o-mini-2024-07-18',
  service_tier: 'default',
  system_fingerprint: 'fp_34a54ae93c',
} satisfies JsonObject

const gpt4oMiniChunks: JsonObject[] = [
  {
    ...chunkHeader,
    choices: [
      {
        index: 0,
        delta: { role: 'assistant', content: '', refusal: null },
        logprobs: null,
        finish_reason: null,
      },
    ],
  },
  {
    ...chunkHeader,
    choices: [{ index: 0, delta: { content: 'Refunds are' }, logprobs: null, finish_reason: null }],
  },
  {
    ...chunkHeader,
    choices: [{ index: 0, delta: { content: ' processed within' }, logprobs: null, finish_reason: null }],
  },
  {
    ...chunkHeader,
    choices: [{ index: 0, delta: { content: ' 5 business days.' }, logprobs: null, finish_reason: null }],
  },
  { ...chunkHeader, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] },
]

/** The extra last chunk the API sends before `[DONE]` when the request set `stream_options.include_usage`. */
export function chatUsageChunk(completion: JsonObject): JsonObject {
  const { choices: _choices, usage, ...header } = completion
  return { ...header, object: 'chat.completion.chunk', choices: [], usage: usage ?? null }
}

/** o4-mini: 500 prompt tokens, 2,000 completion tokens of which 1,600 were reasoning. */
const o4MiniCompletion: JsonObject = {
  id: 'chatcmpl-C9vLx0aQk7cVb2Nw9eRgT4hU',
  object: 'chat.completion',
  created: 1754400100,
  model: 'o4-mini-2025-04-16',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'The answer is 42.', refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 500,
    completion_tokens: 2000,
    total_tokens: 2500,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 1600,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: 'default',
  system_fingerprint: null,
}

/** A model no price catalog knows (e.g. a fine-tune or a brand-new release). */
const unknownModelCompletion: JsonObject = {
  id: 'chatcmpl-C9vMa2bTl8dWc3Ox0fShU5iV',
  object: 'chat.completion',
  created: 1754400200,
  model: 'acme-unreleased-1',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello.', refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 100,
    completion_tokens: 20,
    total_tokens: 120,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: 'default',
  system_fingerprint: null,
}

export const CHAT_FIXTURES: Record<string, ChatFixture> = {
  'gpt-4o-mini': { completion: gpt4oMiniCompletion, chunks: gpt4oMiniChunks },
  'o4-mini': { completion: o4MiniCompletion },
  'acme-unreleased-1': { completion: unknownModelCompletion },
}

// ---------------------------------------------------------------- OpenAI Responses

export interface ResponsesFixture {
  response: JsonObject
  /** Server-sent events in order; only `response.completed` carries usage. */
  events: JsonObject[]
}

const responseId = 'resp_68a1f0c2d4e8819fb1a2c3d4e5f60718'
const responseItemId = 'msg_68a1f0c3a9b0819fa0b1c2d3e4f50617'

/** gpt-4.1-mini: 2,048 input tokens of which 1,536 cached; 512 output tokens. */
const gpt41MiniResponse: JsonObject = {
  id: responseId,
  object: 'response',
  created_at: 1754400300,
  status: 'completed',
  background: false,
  error: null,
  incomplete_details: null,
  instructions: null,
  max_output_tokens: null,
  model: 'gpt-4.1-mini-2025-04-14',
  output: [
    {
      id: responseItemId,
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [
        { type: 'output_text', annotations: [], logprobs: [], text: 'Three tickets mention billing.' },
      ],
    },
  ],
  parallel_tool_calls: true,
  previous_response_id: null,
  reasoning: { effort: null, summary: null },
  service_tier: 'default',
  store: true,
  temperature: 1,
  text: { format: { type: 'text' }, verbosity: 'medium' },
  tool_choice: 'auto',
  tools: [],
  top_p: 1,
  truncation: 'disabled',
  usage: {
    input_tokens: 2048,
    input_tokens_details: { cached_tokens: 1536 },
    output_tokens: 512,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 2560,
  },
  user: null,
  metadata: {},
}

function inProgress(response: JsonObject): JsonObject {
  return { ...response, status: 'in_progress', output: [], usage: null }
}

const gpt41MiniEvents: JsonObject[] = [
  { type: 'response.created', sequence_number: 0, response: inProgress(gpt41MiniResponse) },
  { type: 'response.in_progress', sequence_number: 1, response: inProgress(gpt41MiniResponse) },
  {
    type: 'response.output_item.added',
    sequence_number: 2,
    output_index: 0,
    item: { id: responseItemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
  },
  {
    type: 'response.content_part.added',
    sequence_number: 3,
    item_id: responseItemId,
    output_index: 0,
    content_index: 0,
    part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
  },
  {
    type: 'response.output_text.delta',
    sequence_number: 4,
    item_id: responseItemId,
    output_index: 0,
    content_index: 0,
    delta: 'Three tickets',
    logprobs: [],
  },
  {
    type: 'response.output_text.delta',
    sequence_number: 5,
    item_id: responseItemId,
    output_index: 0,
    content_index: 0,
    delta: ' mention billing.',
    logprobs: [],
  },
  {
    type: 'response.output_text.done',
    sequence_number: 6,
    item_id: responseItemId,
    output_index: 0,
    content_index: 0,
    text: 'Three tickets mention billing.',
    logprobs: [],
  },
  {
    type: 'response.content_part.done',
    sequence_number: 7,
    item_id: responseItemId,
    output_index: 0,
    content_index: 0,
    part: { type: 'output_text', annotations: [], logprobs: [], text: 'Three tickets mention billing.' },
  },
  {
    type: 'response.output_item.done',
    sequence_number: 8,
    output_index: 0,
    item: (gpt41MiniResponse.output as JsonObject[])[0] as JsonObject,
  },
  { type: 'response.completed', sequence_number: 9, response: gpt41MiniResponse },
]

export const RESPONSES_FIXTURES: Record<string, ResponsesFixture> = {
  'gpt-4.1-mini': { response: gpt41MiniResponse, events: gpt41MiniEvents },
}

// ---------------------------------------------------------------- OpenAI Embeddings

/**
 * text-embedding-3-small, 1,250 prompt tokens. The vectors use values a float32 holds exactly, so the
 * official client's default base64 round trip returns them unchanged.
 */
export const EMBEDDINGS_FIXTURES: Record<string, JsonObject> = {
  'text-embedding-3-small': {
    object: 'list',
    data: [
      { object: 'embedding', index: 0, embedding: [0.25, -0.5, 0.125, 0.0625] },
      { object: 'embedding', index: 1, embedding: [-0.75, 0.5, 0.03125, -0.125] },
    ],
    model: 'text-embedding-3-small',
    usage: { prompt_tokens: 1250, total_tokens: 1250 },
  },
}

// ---------------------------------------------------------------- Anthropic Messages

export interface MessagesFixture {
  message: JsonObject
  /** Server-sent events in order (the client drops `ping`). */
  events: JsonObject[]
}

/**
 * claude-sonnet-4 (requested by its alias, answered with the dated id) with prompt caching:
 * 50 uncached input tokens, 10,000 read from the cache, 3,000 written to it (2,000 with the 5-minute
 * TTL, 1,000 with the 1-hour TTL), 400 output tokens.
 */
const sonnetUsage: JsonObject = {
  input_tokens: 50,
  cache_creation_input_tokens: 3000,
  cache_read_input_tokens: 10000,
  cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 1000 },
  output_tokens: 400,
  service_tier: 'standard',
}

const sonnetMessage: JsonObject = {
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-20250514',
  content: [{ type: 'text', text: 'The contract renews on 1 March.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: sonnetUsage,
}

const sonnetEvents: JsonObject[] = [
  {
    type: 'message_start',
    message: {
      ...sonnetMessage,
      content: [],
      stop_reason: null,
      // output_tokens here is a placeholder; the real count comes in message_delta.
      usage: { ...sonnetUsage, output_tokens: 1 },
    },
  },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'ping' },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'The contract renews' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' on 1 March.' } },
  { type: 'content_block_stop', index: 0 },
  {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    // CUMULATIVE counts for the whole message: they replace message_start's, never add to them.
    usage: {
      input_tokens: 50,
      cache_creation_input_tokens: 3000,
      cache_read_input_tokens: 10000,
      output_tokens: 400,
    },
  },
  { type: 'message_stop' },
]

export const MESSAGES_FIXTURES: Record<string, MessagesFixture> = {
  'claude-sonnet-4-0': { message: sonnetMessage, events: sonnetEvents },
}

// ---------------------------------------------------------------- errors

/** The JSON error bodies each provider sends with a failed status. */
export function openaiErrorBody(status: number): JsonObject {
  if (status === 429) {
    return {
      error: {
        message:
          'Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 500, Used 500, Requested 1.',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    }
  }
  if (status === 404) {
    return {
      error: {
        message: 'The model does not exist or you do not have access to it.',
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      },
    }
  }
  return {
    error: {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    },
  }
}

export function anthropicErrorBody(status: number): JsonObject {
  const type =
    status === 429
      ? 'rate_limit_error'
      : status === 404
        ? 'not_found_error'
        : status === 529
          ? 'overloaded_error'
          : 'api_error'
  return { type: 'error', error: { type, message: `${type.replace(/_/g, ' ')}` } }
}
