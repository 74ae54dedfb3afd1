/**
 * Cost vectors of the units billed besides text tokens (issue 17, "every billed unit"): tool calls
 * billed per call, server tools, audio tokens of audio chat snapshots, in the shapes the APIs send,
 * each with its hand arithmetic in millionths of a dollar (µ$). Prices used (per million tokens
 * unless said):
 *
 *   gpt-5    $1.25 in · $10 out; web search $10 per 1,000 calls (catalog)
 *   gpt-4.1  $2 in · $8 out; file search $2.50 per 1,000 calls (catalog); code interpreter $0.03
 *            per container session (supplement `units`: OpenAI's built-in tools price list)
 *   computer-use-preview  $3 in · $12 out, no fee per call
 *   gpt-4o-audio-preview       $2.50 text in · $40 audio in · $10 text out · $80 audio out (supplement)
 *   gpt-4o-mini-audio-preview  $0.15 · $10 · $0.60 · $20 (supplement)
 *   gpt-audio                  $2.50 · $32 · $10 · $64 (catalog)
 *   claude-sonnet-4-5  $3 in · $15 out; web fetch no fee; code execution billed by container hour
 *   gpt-image-1.5     $5 text in · $8 image in · $10 text out · $32 image out (catalog)
 *   gpt-image-1-mini  $2 text in · $2.50 image in · $8 image out (catalog; no text output price)
 */
import {
  anthropicMessage,
  anthropicUsage,
  type CostVector,
  chatCompletion,
  drain,
  responseObject,
  responsesUsage,
  user,
} from './cost-vectors.js'

/** A chat usage with audio parts: `prompt` and `completion` include them, as the API counts. */
function audioChatUsage(prompt: number, audioIn: number, completion: number, audioOut: number) {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: audioIn, text_tokens: prompt - audioIn },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: audioOut,
      text_tokens: completion - audioOut,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  }
}

const message = {
  type: 'message',
  id: 'msg_68af4a1b9c2c8190a1d5e0f3b2c4d6e8',
  status: 'completed',
  role: 'assistant',
  content: [{ type: 'output_text', text: 'Here is what I found.', annotations: [] }],
}

const webSearch = (id: string, action: Record<string, unknown>) => ({
  type: 'web_search_call',
  id,
  status: 'completed',
  action,
})

const fileSearch = (id: string) => ({
  type: 'file_search_call',
  id,
  status: 'completed',
  queries: ['refund policy'],
  results: null,
})

const codeCall = (id: string, container: string) => ({
  type: 'code_interpreter_call',
  id,
  status: 'completed',
  code: 'print(sum(range(10)))',
  container_id: container,
  outputs: null,
})

/** The Responses answer with web searches: two searches and a page opened (no call fee). */
const webSearchOutput = [
  webSearch('ws_1', { type: 'search', query: 'spendlens pricing' }),
  webSearch('ws_2', { type: 'search', query: 'spendlens docs' }),
  webSearch('ws_3', { type: 'open_page', url: 'https://example.com/docs' }),
  message,
]

export const BILLED_UNIT_VECTORS: CostVector[] = [
  // ------------------------------------------------------------------ Responses API tool calls
  {
    name: 'responses: web search calls at $10 per 1,000, an opened page without a fee',
    client: 'openai',
    answer: {
      json: responseObject('gpt-5-2025-08-07', responsesUsage(1000, 500), { output: webSearchOutput }),
    },
    call: (client) =>
      client.responses.create({ model: 'gpt-5', input: 'Hello', tools: [{ type: 'web_search' }] }),
    // 1000 × 1.25 + 500 × 10 = 1250 + 5000 = 6250 µ$, + 2 searches × 10000 µ$ = 26250 µ$
    expected: {
      web_search_requests: 2,
      file_search_requests: null,
      cost_usd: 0.02625,
      pricing_status: 'priced',
      price_source: 'genai-prices:openai/gpt-5',
    },
  },
  {
    name: 'responses: file search calls at $2.50 per 1,000',
    client: 'openai',
    answer: {
      json: responseObject('gpt-4.1-2025-04-14', responsesUsage(2000, 100), {
        output: [fileSearch('fs_1'), fileSearch('fs_2'), fileSearch('fs_3'), message],
      }),
    },
    call: (client) =>
      client.responses.create({
        model: 'gpt-4.1',
        input: 'Hello',
        tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }],
      }),
    // 2000 × 2 + 100 × 8 = 4000 + 800 = 4800 µ$, + 3 × 2500 µ$ = 12300 µ$
    expected: { file_search_requests: 3, web_search_requests: null, cost_usd: 0.0123 },
  },
  {
    name: 'responses: code interpreter billed per container session, not per call',
    client: 'openai',
    answer: {
      json: responseObject('gpt-4.1-2025-04-14', responsesUsage(1000, 200), {
        output: [codeCall('ci_1', 'cntr_a'), codeCall('ci_2', 'cntr_a'), codeCall('ci_3', 'cntr_b'), message],
      }),
    },
    call: (client) =>
      client.responses.create({
        model: 'gpt-4.1',
        input: 'Hello',
        tools: [{ type: 'code_interpreter', container: { type: 'auto' } }],
      }),
    // 1000 × 2 + 200 × 8 = 2000 + 1600 = 3600 µ$, + 2 containers × 30000 µ$ = 63600 µ$
    // (three calls priced per call would give 93600 µ$). Estimated: since 2026-06-02 OpenAI bills a
    // container by the minute (5-minute minimum) up to the 20-minute session's 30000 µ$, and no
    // response says how long it ran, so 30000 µ$ is each container's most.
    expected: {
      code_interpreter_sessions: 2,
      cost_usd: 0.0636,
      pricing_status: 'estimated',
      price_source: 'genai-prices:openai/gpt-4.1+tool-fees',
    },
  },
  {
    name: 'responses: computer use is billed as tokens only',
    client: 'openai',
    answer: {
      json: responseObject('computer-use-preview-2025-03-11', responsesUsage(1000, 100), {
        output: [
          {
            type: 'computer_call',
            id: 'cu_1',
            call_id: 'call_1',
            status: 'completed',
            action: { type: 'click', button: 'left', x: 10, y: 20 },
            pending_safety_checks: [],
          },
        ],
      }),
    },
    call: (client) =>
      client.responses.create({
        model: 'computer-use-preview',
        input: 'Hello',
        truncation: 'auto',
        tools: [
          { type: 'computer_use_preview', display_width: 1024, display_height: 768, environment: 'browser' },
        ],
      }),
    // 1000 × 3 + 100 × 12 = 3000 + 1200 = 4200 µ$, nothing per call
    expected: { web_search_requests: null, code_interpreter_sessions: null, cost_usd: 0.0042 },
  },
  {
    name: 'responses: streamed web searches counted from response.completed',
    client: 'openai',
    answer: {
      events: [
        {
          event: 'response.created',
          data: {
            type: 'response.created',
            sequence_number: 0,
            response: {
              ...responseObject('gpt-5-2025-08-07', {}),
              status: 'in_progress',
              output: [],
              usage: null,
            },
          },
        },
        {
          event: 'response.output_item.done',
          data: {
            type: 'response.output_item.done',
            sequence_number: 1,
            output_index: 0,
            item: webSearchOutput[0],
          },
        },
        {
          event: 'response.completed',
          data: {
            type: 'response.completed',
            sequence_number: 2,
            response: responseObject('gpt-5-2025-08-07', responsesUsage(1000, 500), {
              output: webSearchOutput,
            }),
          },
        },
      ],
    },
    call: async (client) =>
      drain(
        await client.responses.create({
          model: 'gpt-5',
          input: 'Hello',
          tools: [{ type: 'web_search' }],
          stream: true,
        }),
      ),
    // as the non-streamed call: 6250 µ$ + 2 × 10000 µ$ = 26250 µ$
    expected: { streamed: true, web_search_requests: 2, cost_usd: 0.02625 },
  },
  // ------------------------------------------------------------------ audio chat snapshots
  {
    name: 'chat: gpt-4o-audio-preview audio tokens at the audio rates the catalog lacks',
    client: 'openai',
    answer: { json: chatCompletion('gpt-4o-audio-preview-2025-06-03', audioChatUsage(1000, 800, 500, 400)) },
    call: (client) => client.chat.completions.create({ model: 'gpt-4o-audio-preview', messages: user }),
    // text in (1000 − 800) × 2.5 = 500, audio in 800 × 40 = 32000,
    // text out (500 − 400) × 10 = 1000, audio out 400 × 80 = 32000 → 65500 µ$
    // (all at the text rates, as the catalog alone prices it: 1000 × 2.5 + 500 × 10 = 7500 µ$)
    expected: {
      input_audio_tokens: 800,
      output_audio_tokens: 400,
      cost_usd: 0.0655,
      pricing_status: 'priced',
      price_source: 'spendlens-supplement:openai/gpt-4o-audio-preview',
    },
  },
  {
    name: 'chat: gpt-4o-mini-audio-preview audio tokens at its audio rates',
    client: 'openai',
    answer: {
      json: chatCompletion('gpt-4o-mini-audio-preview-2024-12-17', audioChatUsage(2000, 1500, 1000, 900)),
    },
    call: (client) => client.chat.completions.create({ model: 'gpt-4o-mini-audio-preview', messages: user }),
    // text in 500 × 0.15 = 75, audio in 1500 × 10 = 15000, text out 100 × 0.6 = 60,
    // audio out 900 × 20 = 18000 → 33135 µ$
    expected: { input_audio_tokens: 1500, output_audio_tokens: 900, cost_usd: 0.033135 },
  },
  {
    name: 'chat: gpt-audio audio tokens at the catalog’s audio rates',
    client: 'openai',
    answer: { json: chatCompletion('gpt-audio-2025-08-28', audioChatUsage(1000, 600, 300, 200)) },
    call: (client) => client.chat.completions.create({ model: 'gpt-audio', messages: user }),
    // text in 400 × 2.5 = 1000, audio in 600 × 32 = 19200, text out 100 × 10 = 1000,
    // audio out 200 × 64 = 12800 → 34000 µ$
    expected: { cost_usd: 0.034, price_source: 'genai-prices:openai/gpt-audio' },
  },
  {
    name: 'chat: gpt-5 priority with cached input at the priority rates',
    client: 'openai',
    answer: {
      json: chatCompletion(
        'gpt-5-2025-08-07',
        {
          prompt_tokens: 2000,
          completion_tokens: 500,
          total_tokens: 2500,
          prompt_tokens_details: { cached_tokens: 1024 },
          completion_tokens_details: { reasoning_tokens: 256 },
        },
        { service_tier: 'priority' },
      ),
    },
    call: (client) =>
      client.chat.completions.create({ model: 'gpt-5', messages: user, service_tier: 'priority' }),
    // gpt-5 priority $2.50 in · $0.25 cached · $20 out:
    // 976 × 2.5 + 1024 × 0.25 + 500 × 20 = 2440 + 256 + 10000 = 12696 µ$
    expected: {
      service_tier: 'priority',
      cost_usd: 0.012696,
      pricing_status: 'priced',
      price_source: 'spendlens-supplement:openai/gpt-5@priority',
    },
  },
  // ------------------------------------------------------------------ GPT image models
  {
    name: 'images: gpt-image-1.5 output without a split is all image tokens, at the image rate',
    client: 'openai',
    answer: {
      json: {
        created: 1765900000,
        data: [{ b64_json: 'iVBORw0KGgo=' }],
        usage: {
          total_tokens: 4210,
          input_tokens: 50,
          output_tokens: 4160,
          input_tokens_details: { text_tokens: 50, image_tokens: 0 },
        },
      },
    },
    call: (client) => client.images.generate({ model: 'gpt-image-1.5', prompt: 'A lighthouse' }),
    // 50 × 5 + 4160 × 32 = 250 + 133120 = 133370 µ$
    // (the output at the text output rate would be 250 + 4160 × 10 = 41850 µ$)
    expected: {
      operation: 'images',
      model: 'gpt-image-1.5',
      output_tokens: 4160,
      output_image_tokens: 4160,
      cost_usd: 0.13337,
      price_source: 'genai-prices:openai/gpt-image-1.5',
    },
  },
  {
    name: 'images: gpt-image-1.5 edit, text and image tokens in and out each at their own rate',
    client: 'openai',
    answer: {
      json: {
        created: 1765900000,
        data: [{ b64_json: 'iVBORw0KGgo=' }],
        usage: {
          total_tokens: 5260,
          input_tokens: 1000,
          output_tokens: 4260,
          input_tokens_details: { text_tokens: 400, image_tokens: 600 },
          output_tokens_details: { text_tokens: 100, image_tokens: 4160 },
        },
      },
    },
    call: async (client) => {
      const { toFile } = await import('openai')
      return client.images.edit({
        model: 'gpt-image-1.5',
        prompt: 'Add a boat',
        image: await toFile(Buffer.from('fake-png'), 'in.png', { type: 'image/png' }),
      })
    },
    // text in 400 × 5 = 2000, image in 600 × 8 = 4800, image out 4160 × 32 = 133120,
    // text out 100 × 10 = 1000 → 140920 µ$
    expected: { input_image_tokens: 600, output_image_tokens: 4160, cost_usd: 0.14092 },
  },
  {
    name: 'images: gpt-image-1-mini generate at its own image output rate',
    client: 'openai',
    answer: {
      json: {
        created: 1765900000,
        data: [{ b64_json: 'iVBORw0KGgo=' }],
        usage: {
          total_tokens: 1106,
          input_tokens: 50,
          output_tokens: 1056,
          input_tokens_details: { text_tokens: 50, image_tokens: 0 },
        },
      },
    },
    call: (client) => client.images.generate({ model: 'gpt-image-1-mini', prompt: 'A lighthouse' }),
    // 50 × 2 + 1056 × 8 = 100 + 8448 = 8548 µ$
    expected: { output_image_tokens: 1056, cost_usd: 0.008548 },
  },
  // ------------------------------------------------------------------ Anthropic server tools
  {
    name: 'messages: web fetches counted, billed as tokens only',
    client: 'anthropic',
    answer: {
      json: anthropicMessage('claude-sonnet-4-5-20250929', {
        ...anthropicUsage({ input: 2000, output: 500 }),
        server_tool_use: { web_search_requests: 0, web_fetch_requests: 2 },
      }),
    },
    call: (client) =>
      client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: user }),
    // 2000 × 3 + 500 × 15 = 6000 + 7500 = 13500 µ$, no fee per fetch
    expected: {
      web_fetch_requests: 2,
      web_search_requests: 0,
      cost_usd: 0.0135,
      pricing_status: 'priced',
      price_source: 'genai-prices:anthropic/claude-sonnet-4-5',
    },
  },
  {
    name: 'messages: a code-execution container is counted, its hours not priced per call',
    client: 'anthropic',
    answer: {
      json: anthropicMessage('claude-sonnet-4-5-20250929', anthropicUsage({ input: 1000, output: 200 }), {
        container: { id: 'container_011CPR5CNjB747bTd36fQLFk', expires_at: '2026-12-07T23:13:31.749448Z' },
      }),
    },
    call: (client) =>
      client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: user }),
    // 1000 × 3 + 200 × 15 = 3000 + 3000 = 6000 µ$ of tokens; the container's hours are billed by
    // the hour across calls, so the cost is a lower bound: estimated
    expected: {
      code_interpreter_sessions: 1,
      cost_usd: 0.006,
      pricing_status: 'estimated',
      price_source: 'genai-prices:anthropic/claude-sonnet-4-5+tool-fees-unpriced',
    },
  },
]
