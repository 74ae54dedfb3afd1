/**
 * Cost test vectors: provider responses in the exact shapes the APIs send (JSON bodies and SSE
 * streams), each with the event spendlens must record and a cost worked out by hand from the
 * published per-million-token prices (the figures @pydantic/genai-prices carries):
 *
 *   gpt-4o-mini   $0.15 in · $0.075 cached in · $0.60 out      gpt-4o   $2.50 · $1.25 · $10
 *   gpt-4.1       $2 in · $0.50 cached · $8 out                o4-mini  $1.10 · $0.275 · $4.40
 *   gpt-5         $1.25 in · $0.125 cached · $10 out           text-embedding-3-small $0.02 in
 *   gpt-image-1   $5 text in · $10 image in · $40 out          gpt-4o-transcribe $2.50 text in · $6 audio in · $10 out
 *   whisper-1     $0.006 per minute                            tts-1 $15 per million characters
 *   groq llama-3.3-70b-versatile $0.59 in · $0.79 out         openrouter openai/gpt-4o-mini as gpt-4o-mini
 *   claude-haiku-4-5  $1 in · $1.25 5m write · $2 1h write · $0.10 read · $5 out
 *   claude-sonnet-4-5 $3 in · $3.75 5m write · $6 1h write · $0.30 read · $15 out,
 *                     and above 200K input tokens: $6 · $7.50 · $12 · $0.60 · $22.50; web search $10 per 1,000
 *   claude-opus-4-1   $15 in · $18.75 5m write · $30 1h write · $1.50 read · $75 out
 *
 * Each comment shows the arithmetic in millionths of a dollar (µ$): tokens × $/M = µ$.
 */
import type Anthropic from '@anthropic-ai/sdk'
import type OpenAI from 'openai'
import type { CostEvent, WrapOptions } from '../src/index.js'
import type { ScriptedReply } from './scripted-provider.js'

type Expected = Partial<CostEvent> & Pick<CostEvent, 'cost_usd'>

export type CostVector = {
  name: string
  answer: ScriptedReply
  wrapOptions?: WrapOptions
  expected: Expected
} & (
  | { client: 'openai'; call: (client: OpenAI) => Promise<unknown> }
  | { client: 'anthropic'; call: (client: Anthropic) => Promise<unknown> }
)

export async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const items: unknown[] = []
  for await (const item of stream) items.push(item)
  return items
}

export const user = [{ role: 'user' as const, content: 'Hello' }]

export function chatCompletion(
  model: string,
  usage: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
    object: 'chat.completion',
    created: 1741569952,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: '{"answer":"Hello! How can I help?"}',
          refusal: null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage,
    service_tier: 'default',
    system_fingerprint: 'fp_06737a9306',
    ...extra,
  }
}

export function chatUsage(prompt: number, completion: number, cached = 0, reasoning = 0) {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  }
}

/** A streamed Chat Completion as sent when the request asked for usage: `usage: null` on every chunk, then a usage-only chunk. */
function chatStream(model: string, usage: Record<string, unknown>): ScriptedReply {
  const base = { id: 'chatcmpl-stream-1', object: 'chat.completion.chunk', created: 1741569952, model }
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    ...base,
    service_tier: 'default',
    system_fingerprint: 'fp_06737a9306',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
  })
  return {
    events: [
      { data: chunk({ role: 'assistant', content: '', refusal: null }, null) },
      { data: chunk({ content: 'Hello' }, null) },
      { data: chunk({ content: '!' }, null) },
      { data: chunk({}, 'stop') },
      { data: { ...base, service_tier: 'default', system_fingerprint: 'fp_06737a9306', choices: [], usage } },
      { data: '[DONE]' },
    ],
  }
}

export function responseObject(
  model: string,
  usage: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    id: 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b',
    object: 'response',
    created_at: 1741476542,
    status: 'completed',
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model,
    output: [
      {
        type: 'message',
        id: 'msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hello!', annotations: [] }],
      },
    ],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: {},
    service_tier: 'default',
    ...extra,
  }
}

export function responsesUsage(input: number, output: number, cached = 0, reasoning = 0) {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  }
}

export function anthropicMessage(
  model: string,
  usage: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: 'Hello!' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage,
    ...extra,
  }
}

export function anthropicUsage(fields: {
  input: number
  output: number
  read?: number
  write5m?: number
  write1h?: number
  tier?: string
  webSearches?: number
}) {
  const write5m = fields.write5m ?? 0
  const write1h = fields.write1h ?? 0
  return {
    input_tokens: fields.input,
    cache_creation_input_tokens: write5m + write1h,
    cache_read_input_tokens: fields.read ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: write5m, ephemeral_1h_input_tokens: write1h },
    output_tokens: fields.output,
    server_tool_use: fields.webSearches === undefined ? null : { web_search_requests: fields.webSearches },
    service_tier: fields.tier ?? 'standard',
  }
}

function anthropicStream(model: string, start: Record<string, unknown>, finalOutput: number): ScriptedReply {
  return {
    events: [
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: {
            ...anthropicMessage(model, { ...start, output_tokens: 1 }),
            content: [],
            stop_reason: null,
          },
        },
      },
      {
        event: 'content_block_start',
        data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      },
      { event: 'ping', data: { type: 'ping' } },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello!' } },
      },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      {
        event: 'message_delta',
        data: {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { output_tokens: finalOutput },
        },
      },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ],
  }
}

export const COST_VECTORS: CostVector[] = [
  // ------------------------------------------------------------------ OpenAI Chat Completions
  {
    name: 'chat: plain gpt-4o-mini',
    client: 'openai',
    answer: { json: chatCompletion('gpt-4o-mini-2024-07-18', chatUsage(1200, 300)) },
    call: (client) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: user }),
    // 1200 × 0.15 + 300 × 0.60 = 180 + 180 = 360 µ$
    expected: { model: 'gpt-4o-mini-2024-07-18', input_tokens: 1200, output_tokens: 300, cost_usd: 0.00036 },
  },
  {
    name: 'chat: cached prompt tokens at the cached rate, not counted twice',
    client: 'openai',
    answer: { json: chatCompletion('gpt-4o-mini-2024-07-18', chatUsage(2000, 100, 1536)) },
    call: (client) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: user }),
    // (2000 − 1536) × 0.15 + 1536 × 0.075 + 100 × 0.60 = 69.6 + 115.2 + 60 = 244.8 µ$
    // (all 2000 at the full rate would be 360 µ$; cached added on top, 475.2 µ$)
    expected: { input_tokens: 2000, cache_read_tokens: 1536, output_tokens: 100, cost_usd: 0.0002448 },
  },
  {
    name: 'chat: reasoning tokens are part of completion tokens, not added on top',
    client: 'openai',
    answer: { json: chatCompletion('o4-mini-2025-04-16', chatUsage(500, 1800, 0, 1500)) },
    call: (client) => client.chat.completions.create({ model: 'o4-mini', messages: user }),
    // 500 × 1.10 + 1800 × 4.40 = 550 + 7920 = 8470 µ$ (adding 1500 reasoning on top: 15070 µ$)
    expected: { output_tokens: 1800, reasoning_tokens: 1500, cost_usd: 0.00847 },
  },
  {
    name: 'chat: gpt-4o',
    client: 'openai',
    answer: { json: chatCompletion('gpt-4o-2024-08-06', chatUsage(10000, 500)) },
    call: (client) => client.chat.completions.create({ model: 'gpt-4o', messages: user }),
    // 10000 × 2.50 + 500 × 10 = 25000 + 5000 = 30000 µ$
    expected: { cost_usd: 0.03 },
  },
  {
    name: 'chat: flex tier reported by the response is half price',
    client: 'openai',
    answer: {
      json: chatCompletion('gpt-5-2025-08-07', chatUsage(1000, 2000, 0, 1200), { service_tier: 'flex' }),
    },
    call: (client) =>
      client.chat.completions.create({ model: 'gpt-5', messages: user, service_tier: 'flex' }),
    // (1000 × 1.25 + 2000 × 10) × 0.5 = (1250 + 20000) / 2 = 10625 µ$
    expected: { service_tier: 'flex', cost_usd: 0.010625, pricing_status: 'priced' },
  },
  {
    name: 'chat: the tier the response reports wins over the one requested',
    client: 'openai',
    answer: { json: chatCompletion('gpt-5-2025-08-07', chatUsage(1000, 2000), { service_tier: 'default' }) },
    call: (client) =>
      client.chat.completions.create({ model: 'gpt-5', messages: user, service_tier: 'flex' }),
    // asked for flex, served at default: 1000 × 1.25 + 2000 × 10 = 21250 µ$
    expected: { service_tier: 'default', cost_usd: 0.02125 },
  },
  {
    name: 'chat: priority tier priced at its published price',
    client: 'openai',
    answer: {
      json: chatCompletion('gpt-4.1-2025-04-14', chatUsage(1000, 200), { service_tier: 'priority' }),
    },
    call: (client) =>
      client.chat.completions.create({ model: 'gpt-4.1', messages: user, service_tier: 'priority' }),
    // gpt-4.1 priority: $3.50 in · $14 out (openai.com/api-priority-processing):
    // 1000 × 3.5 + 200 × 14 = 3500 + 2800 = 6300 µ$ (the standard rate would give 3600 µ$)
    expected: {
      service_tier: 'priority',
      cost_usd: 0.0063,
      pricing_status: 'priced',
      price_source: 'spendlens-supplement:openai/gpt-4.1@priority',
    },
  },
  {
    name: 'chat: priority tier without a published price is at the standard rate, marked estimated',
    client: 'openai',
    answer: {
      json: chatCompletion('o4-mini-2025-04-16', chatUsage(1000, 200), { service_tier: 'priority' }),
    },
    call: (client) =>
      client.chat.completions.create({ model: 'o4-mini', messages: user, service_tier: 'priority' }),
    // 1000 × 1.10 + 200 × 4.40 = 1100 + 880 = 1980 µ$, a lower bound: no priority price for o4-mini here
    expected: { service_tier: 'priority', cost_usd: 0.00198, pricing_status: 'estimated' },
  },
  {
    name: 'chat: streamed without asking for usage is still priced (not $0)',
    client: 'openai',
    answer: chatStream('gpt-4o-mini-2024-07-18', chatUsage(800, 50)),
    call: async (client) =>
      drain(await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user, stream: true })),
    // 800 × 0.15 + 50 × 0.60 = 120 + 30 = 150 µ$
    expected: { streamed: true, input_tokens: 800, output_tokens: 50, cost_usd: 0.00015 },
  },
  {
    name: 'chat: streamed with usage asked for, cached',
    client: 'openai',
    answer: chatStream('gpt-4.1-2025-04-14', chatUsage(3000, 400, 2048)),
    call: async (client) =>
      drain(
        await client.chat.completions.create({
          model: 'gpt-4.1',
          messages: user,
          stream: true,
          stream_options: { include_usage: true },
        }),
      ),
    // (3000 − 2048) × 2 + 2048 × 0.50 + 400 × 8 = 1904 + 1024 + 3200 = 6128 µ$
    expected: { streamed: true, cache_read_tokens: 2048, cost_usd: 0.006128 },
  },
  {
    name: 'chat: parse() is recorded once, through create',
    client: 'openai',
    answer: { json: chatCompletion('gpt-4o-mini-2024-07-18', chatUsage(300, 40)) },
    call: (client) =>
      client.chat.completions.parse({
        model: 'gpt-4o-mini',
        messages: user,
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'answer',
            strict: true,
            schema: {
              type: 'object',
              properties: { answer: { type: 'string' } },
              required: ['answer'],
              additionalProperties: false,
            },
          },
        },
      }),
    // 300 × 0.15 + 40 × 0.60 = 45 + 24 = 69 µ$
    expected: { operation: 'chat', cost_usd: 0.000069 },
  },
  {
    name: 'chat: the stream() helper is recorded once, with usage',
    client: 'openai',
    answer: chatStream('gpt-4o-mini-2024-07-18', chatUsage(600, 80)),
    call: async (client) =>
      client.chat.completions.stream({ model: 'gpt-4o-mini', messages: user }).finalChatCompletion(),
    // 600 × 0.15 + 80 × 0.60 = 90 + 48 = 138 µ$
    expected: { streamed: true, cost_usd: 0.000138 },
  },
  {
    name: 'chat: an unknown model is unpriced, never $0',
    client: 'openai',
    answer: { json: chatCompletion('acme-private-9', chatUsage(1000, 100)) },
    call: (client) => client.chat.completions.create({ model: 'acme-private-9', messages: user }),
    expected: { model: 'acme-private-9', cost_usd: null, pricing_status: 'unpriced', input_tokens: 1000 },
  },
  {
    name: 'chat: a call refused with 429 is a known $0',
    client: 'openai',
    answer: {
      status: 429,
      json: {
        error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' },
      },
    },
    call: (client) =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: user }).catch(() => undefined),
    expected: { status: 'error', http_status: 429, error_type: 'RateLimitError', cost_usd: 0 },
  },
  // ------------------------------------------------------------------ OpenAI Responses
  {
    name: 'responses: plain gpt-4.1',
    client: 'openai',
    answer: { json: responseObject('gpt-4.1-2025-04-14', responsesUsage(1500, 300)) },
    call: (client) => client.responses.create({ model: 'gpt-4.1', input: 'Hello' }),
    // 1500 × 2 + 300 × 8 = 3000 + 2400 = 5400 µ$
    expected: { operation: 'responses', cost_usd: 0.0054 },
  },
  {
    name: 'responses: gpt-5 with cached input and reasoning',
    client: 'openai',
    answer: { json: responseObject('gpt-5-2025-08-07', responsesUsage(4000, 2500, 3072, 2000)) },
    call: (client) => client.responses.create({ model: 'gpt-5', input: 'Hello' }),
    // (4000 − 3072) × 1.25 + 3072 × 0.125 + 2500 × 10 = 1160 + 384 + 25000 = 26544 µ$
    expected: { cache_read_tokens: 3072, reasoning_tokens: 2000, cost_usd: 0.026544 },
  },
  {
    name: 'responses: streamed, usage from response.completed',
    client: 'openai',
    answer: {
      events: [
        {
          event: 'response.created',
          data: {
            type: 'response.created',
            sequence_number: 0,
            response: {
              ...responseObject('o4-mini-2025-04-16', {}),
              status: 'in_progress',
              output: [],
              usage: null,
            },
          },
        },
        {
          event: 'response.output_text.delta',
          data: {
            type: 'response.output_text.delta',
            sequence_number: 1,
            item_id: 'msg_1',
            output_index: 0,
            content_index: 0,
            delta: 'Hello!',
          },
        },
        {
          event: 'response.completed',
          data: {
            type: 'response.completed',
            sequence_number: 2,
            response: responseObject('o4-mini-2025-04-16', responsesUsage(700, 900, 0, 640)),
          },
        },
      ],
    },
    call: async (client) =>
      drain(await client.responses.create({ model: 'o4-mini', input: 'Hello', stream: true })),
    // 700 × 1.10 + 900 × 4.40 = 770 + 3960 = 4730 µ$
    expected: { streamed: true, reasoning_tokens: 640, cost_usd: 0.00473 },
  },
  // ------------------------------------------------------------------ OpenAI other endpoints
  {
    name: 'embeddings: text-embedding-3-small',
    client: 'openai',
    answer: {
      json: {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.0023064255, -0.009327292, 0.015797347] }],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 5000, total_tokens: 5000 },
      },
    },
    call: (client) =>
      client.embeddings.create({ model: 'text-embedding-3-small', input: 'Hello', encoding_format: 'float' }),
    // 5000 × 0.02 = 100 µ$
    expected: { operation: 'embeddings', input_tokens: 5000, output_tokens: 0, cost_usd: 0.0001 },
  },
  {
    name: 'images: gpt-image-1 generate, output image tokens at $40/M',
    client: 'openai',
    answer: {
      json: {
        created: 1713833628,
        data: [{ b64_json: 'iVBORw0KGgo=' }],
        usage: {
          total_tokens: 4210,
          input_tokens: 50,
          output_tokens: 4160,
          input_tokens_details: { text_tokens: 50, image_tokens: 0 },
        },
      },
    },
    call: (client) => client.images.generate({ model: 'gpt-image-1', prompt: 'A lighthouse' }),
    // 50 × 5 + 4160 × 40 = 250 + 166400 = 166650 µ$
    expected: {
      operation: 'images',
      model: 'gpt-image-1',
      images: 1,
      output_tokens: 4160,
      cost_usd: 0.16665,
    },
  },
  {
    name: 'images: gpt-image-1 edit, image input tokens at $10/M',
    client: 'openai',
    answer: {
      json: {
        created: 1713833628,
        data: [{ b64_json: 'iVBORw0KGgo=' }],
        usage: {
          total_tokens: 5160,
          input_tokens: 1000,
          output_tokens: 4160,
          input_tokens_details: { text_tokens: 400, image_tokens: 600 },
        },
      },
    },
    call: async (client) => {
      const { toFile } = await import('openai')
      return client.images.edit({
        model: 'gpt-image-1',
        prompt: 'Add a boat',
        image: await toFile(Buffer.from('fake-png'), 'in.png', { type: 'image/png' }),
      })
    },
    // 400 × 5 + 600 × 10 + 4160 × 40 = 2000 + 6000 + 166400 = 174400 µ$
    expected: { input_tokens: 1000, input_image_tokens: 600, cost_usd: 0.1744 },
  },
  {
    name: 'transcription: gpt-4o-transcribe token usage',
    client: 'openai',
    answer: {
      json: {
        text: 'Hello there.',
        usage: {
          type: 'tokens',
          input_tokens: 500,
          input_token_details: { text_tokens: 50, audio_tokens: 450 },
          output_tokens: 100,
          total_tokens: 600,
        },
      },
    },
    call: async (client) => {
      const { toFile } = await import('openai')
      return client.audio.transcriptions.create({
        model: 'gpt-4o-transcribe',
        file: await toFile(Buffer.from('fake-audio'), 'a.mp3', { type: 'audio/mpeg' }),
      })
    },
    // 50 × 2.50 + 450 × 6 + 100 × 10 = 125 + 2700 + 1000 = 3825 µ$
    expected: { operation: 'audio.transcription', input_audio_tokens: 450, cost_usd: 0.003825 },
  },
  {
    name: 'transcription: whisper-1 billed by duration',
    client: 'openai',
    answer: { json: { text: 'Hello there.', usage: { type: 'duration', seconds: 60 } } },
    call: async (client) => {
      const { toFile } = await import('openai')
      return client.audio.transcriptions.create({
        model: 'whisper-1',
        file: await toFile(Buffer.from('fake-audio'), 'a.mp3', { type: 'audio/mpeg' }),
      })
    },
    // 60 s = 1 minute × $0.006 = 6000 µ$
    expected: { audio_seconds: 60, cost_usd: 0.006 },
  },
  {
    name: 'speech: tts-1 billed per input character',
    client: 'openai',
    answer: { body: { text: 'ID3-fake-mp3-bytes', contentType: 'audio/mpeg' } },
    call: async (client) => {
      const response = await client.audio.speech.create({
        model: 'tts-1',
        voice: 'alloy',
        input: 'a'.repeat(1000),
      })
      return response.arrayBuffer()
    },
    // 1000 characters × $15/M = 15000 µ$
    expected: { operation: 'audio.speech', input_characters: 1000, cost_usd: 0.015 },
  },
  {
    name: 'moderations: free but counted',
    client: 'openai',
    answer: {
      json: {
        id: 'modr-970d409ef3bef3b70c73d8232df86e7d',
        model: 'omni-moderation-2024-09-26',
        results: [{ flagged: false, categories: {}, category_scores: {}, category_applied_input_types: {} }],
      },
    },
    call: (client) => client.moderations.create({ model: 'omni-moderation-latest', input: 'Hello' }),
    expected: {
      operation: 'moderations',
      cost_usd: 0,
      pricing_status: 'priced',
      price_source: 'free:openai',
    },
  },
  {
    name: 'compatible provider: Groq through the OpenAI client, priced by Groq',
    client: 'openai',
    wrapOptions: { provider: 'groq' },
    answer: { json: chatCompletion('llama-3.3-70b-versatile', chatUsage(1000, 200)) },
    call: (client) => client.chat.completions.create({ model: 'llama-3.3-70b-versatile', messages: user }),
    // 1000 × 0.59 + 200 × 0.79 = 590 + 158 = 748 µ$
    expected: { provider: 'groq', cost_usd: 0.000748 },
  },
  {
    name: 'compatible provider: OpenRouter',
    client: 'openai',
    wrapOptions: { provider: 'openrouter' },
    answer: { json: chatCompletion('openai/gpt-4o-mini', chatUsage(1000, 100)) },
    call: (client) => client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: user }),
    // 1000 × 0.15 + 100 × 0.60 = 150 + 60 = 210 µ$
    expected: { provider: 'openrouter', cost_usd: 0.00021 },
  },
  // ------------------------------------------------------------------ Anthropic Messages
  {
    name: 'messages: plain claude-haiku-4-5',
    client: 'anthropic',
    answer: {
      json: anthropicMessage('claude-haiku-4-5-20251001', anthropicUsage({ input: 1000, output: 200 })),
    },
    call: (client) => client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 1024, messages: user }),
    // 1000 × 1 + 200 × 5 = 2000 µ$
    expected: { provider: 'anthropic', input_tokens: 1000, service_tier: 'default', cost_usd: 0.002 },
  },
  {
    name: 'messages: cache read added to input and priced at 0.1×',
    client: 'anthropic',
    answer: {
      json: anthropicMessage(
        'claude-sonnet-4-5-20250929',
        anthropicUsage({ input: 200, read: 10000, output: 300 }),
      ),
    },
    call: (client) =>
      client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: user }),
    // total input 200 + 10000 = 10200; 200 × 3 + 10000 × 0.30 + 300 × 15 = 600 + 3000 + 4500 = 8100 µ$
    expected: { input_tokens: 10200, cache_read_tokens: 10000, cost_usd: 0.0081 },
  },
  {
    name: 'messages: 5-minute cache write at 1.25×',
    client: 'anthropic',
    answer: {
      json: anthropicMessage(
        'claude-sonnet-4-5-20250929',
        anthropicUsage({ input: 100, write5m: 8000, output: 200 }),
      ),
    },
    call: (client) =>
      client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: user }),
    // 100 × 3 + 8000 × 3.75 + 200 × 15 = 300 + 30000 + 3000 = 33300 µ$
    expected: { input_tokens: 8100, cache_write_tokens: 8000, cache_write_1h_tokens: 0, cost_usd: 0.0333 },
  },
  {
    name: 'messages: 1-hour cache write at 2×, not at the 5-minute rate',
    client: 'anthropic',
    answer: {
      json: anthropicMessage(
        'claude-opus-4-1-20250805',
        anthropicUsage({ input: 100, write1h: 4000, output: 100 }),
      ),
    },
    call: (client) => client.messages.create({ model: 'claude-opus-4-1', max_tokens: 1024, messages: user }),
    // 100 × 15 + 4000 × 30 + 100 × 75 = 1500 + 120000 + 7500 = 129000 µ$ (at the 5-minute rate: 84000 µ$)
    expected: { cache_write_1h_tokens: 4000, cost_usd: 0.129 },
  },
  {
    name: 'messages: over 200K input tokens every rate moves to the long-context tier',
    client: 'anthropic',
    answer: {
      json: anthropicMessage(
        'claude-sonnet-4-5-20250929',
        anthropicUsage({ input: 150000, read: 100000, output: 1000 }),
      ),
    },
    call: (client) =>
      client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: user }),
    // total input 250000 > 200K: 150000 × 6 + 100000 × 0.60 + 1000 × 22.50 = 900000 + 60000 + 22500 = 982500 µ$
    expected: { input_tokens: 250000, cost_usd: 0.9825 },
  },
  {
    name: 'messages: web search requests at $10 per 1,000',
    client: 'anthropic',
    answer: {
      json: anthropicMessage(
        'claude-sonnet-4-5-20250929',
        anthropicUsage({ input: 2000, output: 500, webSearches: 3 }),
      ),
    },
    call: (client) =>
      client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: user }),
    // 2000 × 3 + 500 × 15 = 13500 µ$, + 3 × $0.01 = 30000 µ$ → 43500 µ$
    expected: { web_search_requests: 3, cost_usd: 0.0435 },
  },
  {
    name: 'messages: batch tier at half price',
    client: 'anthropic',
    answer: {
      json: anthropicMessage(
        'claude-haiku-4-5-20251001',
        anthropicUsage({ input: 1000, output: 200, tier: 'batch' }),
      ),
    },
    call: (client) => client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 1024, messages: user }),
    // (1000 × 1 + 200 × 5) × 0.5 = 1000 µ$
    expected: { batch: true, cost_usd: 0.001 },
  },
  {
    name: 'messages: priority tier marked estimated',
    client: 'anthropic',
    answer: {
      json: anthropicMessage(
        'claude-sonnet-4-5-20250929',
        anthropicUsage({ input: 1000, output: 100, tier: 'priority' }),
      ),
    },
    call: (client) =>
      client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: user }),
    // 1000 × 3 + 100 × 15 = 4500 µ$ at the standard rate
    expected: { service_tier: 'priority', pricing_status: 'estimated', cost_usd: 0.0045 },
  },
  {
    name: 'messages: extended thinking is part of output tokens',
    client: 'anthropic',
    answer: {
      json: anthropicMessage('claude-sonnet-4-5-20250929', {
        ...anthropicUsage({ input: 500, output: 3000 }),
        output_tokens_details: { thinking_tokens: 2500 },
      }),
    },
    call: (client) =>
      client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 4096, messages: user }),
    // 500 × 3 + 3000 × 15 = 1500 + 45000 = 46500 µ$ (thinking added on top would be 84000 µ$)
    expected: { output_tokens: 3000, reasoning_tokens: 2500, cost_usd: 0.0465 },
  },
  {
    name: 'messages: streamed, message_delta usage replaces the placeholder',
    client: 'anthropic',
    answer: anthropicStream(
      'claude-sonnet-4-5-20250929',
      anthropicUsage({ input: 50, read: 5000, output: 0 }),
      400,
    ),
    call: async (client) =>
      drain(
        await client.messages.create({
          model: 'claude-sonnet-4-5',
          max_tokens: 1024,
          messages: user,
          stream: true,
        }),
      ),
    // 50 × 3 + 5000 × 0.30 + 400 × 15 = 150 + 1500 + 6000 = 7650 µ$
    expected: { streamed: true, input_tokens: 5050, output_tokens: 400, cost_usd: 0.00765 },
  },
  {
    name: 'messages: the stream() helper is recorded once',
    client: 'anthropic',
    answer: anthropicStream('claude-haiku-4-5-20251001', anthropicUsage({ input: 300, output: 0 }), 120),
    call: (client) =>
      client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 1024, messages: user }).finalMessage(),
    // 300 × 1 + 120 × 5 = 300 + 600 = 900 µ$
    expected: { streamed: true, output_tokens: 120, cost_usd: 0.0009 },
  },
]
