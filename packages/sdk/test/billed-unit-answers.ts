/**
 * Answers that use tools billed per call, each in the two shapes the provider sends it: the JSON
 * body of a plain call and the server-sent events of a streamed one, built from the same items so
 * both tell the same counts. Shapes from the providers' API references (OpenAI Responses API
 * output items and streaming events; Anthropic Messages server tools and streaming).
 */
import { anthropicMessage, responseObject, responsesUsage } from './cost-vectors.js'
import type { ScriptedReply } from './scripted-provider.js'

type Item = Record<string, unknown>

/** One answer, plain and streamed. */
export interface BilledUnitAnswer {
  json: ScriptedReply
  streamed: ScriptedReply
}

const message = (id: string, text: string): Item => ({
  type: 'message',
  id,
  status: 'completed',
  role: 'assistant',
  content: [{ type: 'output_text', text, annotations: [] }],
})

const webSearch = (id: string, action: Item): Item => ({
  type: 'web_search_call',
  id,
  status: 'completed',
  action,
})

const codeCall = (id: string, container: string): Item => ({
  type: 'code_interpreter_call',
  id,
  status: 'completed',
  code: 'print(sum(range(10)))',
  container_id: container,
  outputs: null,
})

/** An output item as `response.output_item.added` announces it, before it ran. */
function itemAdded(item: Item): Item {
  switch (item.type) {
    case 'web_search_call':
      return { type: item.type, id: item.id, status: 'in_progress' }
    case 'code_interpreter_call':
      return { ...item, status: 'in_progress', code: '', outputs: null }
    case 'message':
      return { ...item, status: 'in_progress', content: [] }
    default:
      return item
  }
}

/** The Responses API stream of a response: created, each item added and done, completed. */
function responsesEvents(response: Item & { output: Item[] }): ScriptedReply {
  const events: { event: string; data: Item }[] = []
  const push = (data: Item) =>
    events.push({ event: String(data.type), data: { ...data, sequence_number: events.length } })
  push({
    type: 'response.created',
    response: { ...response, status: 'in_progress', output: [], usage: null },
  })
  response.output.forEach((item, index) => {
    push({ type: 'response.output_item.added', output_index: index, item: itemAdded(item) })
    if (item.type === 'code_interpreter_call') {
      push({
        type: 'response.code_interpreter_call_code.delta',
        item_id: item.id,
        output_index: index,
        delta: item.code,
      })
      push({
        type: 'response.code_interpreter_call_code.done',
        item_id: item.id,
        output_index: index,
        code: item.code,
      })
    }
    if (item.type === 'message') {
      const text = String((item.content as Item[])[0]?.text)
      const at = { item_id: item.id, output_index: index, content_index: 0 }
      push({
        type: 'response.content_part.added',
        ...at,
        part: { type: 'output_text', text: '', annotations: [] },
      })
      push({ type: 'response.output_text.delta', ...at, delta: text, logprobs: [] })
      push({ type: 'response.output_text.done', ...at, text, logprobs: [] })
      push({
        type: 'response.content_part.done',
        ...at,
        part: { type: 'output_text', text, annotations: [] },
      })
    }
    push({ type: 'response.output_item.done', output_index: index, item })
  })
  push({ type: 'response.completed', response })
  return { events }
}

function responsesAnswer(model: string, usage: Item, output: Item[]): BilledUnitAnswer {
  const response = responseObject(model, usage, { output }) as Item & { output: Item[] }
  return { json: { json: response }, streamed: responsesEvents(response) }
}

/**
 * gpt-5 searches the web twice and opens a page it found (an `open_page` action: no call fee).
 * Input 1,000, output 500.
 */
export const OPENAI_WEB_SEARCH = responsesAnswer('gpt-5-2025-08-07', responsesUsage(1000, 500), [
  webSearch('ws_68af4a1b1', { type: 'search', query: 'spendlens pricing' }),
  webSearch('ws_68af4a1b2', { type: 'search', query: 'spendlens docs' }),
  webSearch('ws_68af4a1b3', { type: 'open_page', url: 'https://example.com/docs' }),
  message('msg_68af4a1b4', 'Here is what I found.'),
])

/** gpt-4.1 runs code three times in two containers (two sessions). Input 1,000, output 200. */
export const OPENAI_CODE_INTERPRETER = responsesAnswer('gpt-4.1-2025-04-14', responsesUsage(1000, 200), [
  codeCall('ci_68af4a1c1', 'cntr_68af4a1ca'),
  codeCall('ci_68af4a1c2', 'cntr_68af4a1ca'),
  codeCall('ci_68af4a1c3', 'cntr_68af4a1cb'),
  message('msg_68af4a1c4', 'The sum is 45.'),
])

/**
 * The Messages stream of a message: `message_start` with the input counts (output_tokens a
 * placeholder), each content block, `message_delta` with the cumulative output count and the
 * server tool use, `message_stop`. The container is named where the message says it (`start`).
 */
function anthropicEvents(
  message: Item & { content: Item[]; usage: Item },
  delta: { usage: Item; container?: Item },
): ScriptedReply {
  const events: { event: string; data: Item }[] = []
  const push = (data: Item) => events.push({ event: String(data.type), data })
  const { server_tool_use: _tools, output_tokens: _output, ...startUsage } = message.usage
  push({
    type: 'message_start',
    message: { ...message, content: [], stop_reason: null, usage: { ...startUsage, output_tokens: 1 } },
  })
  message.content.forEach((block, index) => {
    if (block.type === 'server_tool_use') {
      push({ type: 'content_block_start', index, content_block: { ...block, input: {} } })
      const partial = { type: 'input_json_delta', partial_json: JSON.stringify(block.input) }
      push({ type: 'content_block_delta', index, delta: partial })
    } else if (block.type === 'text') {
      push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } })
      push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } })
    } else push({ type: 'content_block_start', index, content_block: block })
    push({ type: 'content_block_stop', index })
  })
  push({
    type: 'message_delta',
    delta: {
      stop_reason: 'end_turn',
      stop_sequence: null,
      ...(delta.container ? { container: delta.container } : {}),
    },
    usage: delta.usage,
  })
  push({ type: 'message_stop' })
  return { events }
}

const searchUse = (id: string, query: string): Item => ({
  type: 'server_tool_use',
  id,
  name: 'web_search',
  input: { query },
})

const searchResult = (id: string, url: string): Item => ({
  type: 'web_search_tool_result',
  tool_use_id: id,
  content: [
    {
      type: 'web_search_result',
      url,
      title: 'spendlens',
      encrypted_content: 'EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y',
      page_age: 'April 30, 2025',
    },
  ],
})

/**
 * claude-sonnet-4-5 searches the web twice: `usage.server_tool_use.web_search_requests` 2, on the
 * message (plain) and on `message_delta` (streamed). Input 2,000, output 500.
 */
export const ANTHROPIC_WEB_SEARCH: BilledUnitAnswer = (() => {
  const usage = {
    input_tokens: 2000,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 500,
    server_tool_use: { web_search_requests: 2 },
    service_tier: 'standard',
  }
  const message = anthropicMessage('claude-sonnet-4-5-20250929', usage, {
    content: [
      searchUse('srvtoolu_01WYG3ziw53XMcoyKL4XcZmE', 'spendlens pricing'),
      searchResult('srvtoolu_01WYG3ziw53XMcoyKL4XcZmE', 'https://example.com/pricing'),
      searchUse('srvtoolu_01WYG3ziw53XMcoyKL4XcZmF', 'spendlens docs'),
      searchResult('srvtoolu_01WYG3ziw53XMcoyKL4XcZmF', 'https://example.com/docs'),
      { type: 'text', text: 'Here is what I found.' },
    ],
  }) as Item & { content: Item[]; usage: Item }
  return {
    json: { json: message },
    streamed: anthropicEvents(message, {
      usage: { output_tokens: 500, server_tool_use: { web_search_requests: 2 } },
    }),
  }
})()

/**
 * claude-sonnet-4-5 runs code in a code-execution container (billed by container hour, not per
 * call). The plain answer names it on the message; the stream names it on `message_start` only,
 * where the AI SDK's providers do not keep it. Input 1,000, output 200.
 */
export const ANTHROPIC_CODE_EXECUTION: BilledUnitAnswer = (() => {
  const usage = {
    input_tokens: 1000,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 200,
    service_tier: 'standard',
  }
  const container = { id: 'container_011CPR5CNjB747bTd36fQLFk', expires_at: '2026-12-07T23:13:31.749448Z' }
  const message = anthropicMessage('claude-sonnet-4-5-20250929', usage, {
    container,
    content: [
      {
        type: 'server_tool_use',
        id: 'srvtoolu_01A2B3C4D5E6F7G8H9J0K1L2',
        name: 'code_execution',
        input: { code: 'print(sum(range(10)))' },
      },
      {
        type: 'code_execution_tool_result',
        tool_use_id: 'srvtoolu_01A2B3C4D5E6F7G8H9J0K1L2',
        content: { type: 'code_execution_result', stdout: '45\n', stderr: '', return_code: 0, content: [] },
      },
      { type: 'text', text: 'The sum is 45.' },
    ],
  }) as Item & { content: Item[]; usage: Item }
  return { json: { json: message }, streamed: anthropicEvents(message, { usage: { output_tokens: 200 } }) }
})()
