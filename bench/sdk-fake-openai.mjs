// bench:sdk's other processes: a minimal fake OpenAI (it also takes Langfuse's ingestion and OTLP
// posts, answering them as those servers do), and a bare loopback proxy hop in front of it.
//
//   node bench/sdk-fake-openai.mjs provider          → prints "listening <url>"
//   node bench/sdk-fake-openai.mjs proxy <upstream>  → prints "listening <url>"
//
// Each in its own process, so their CPU is not the measured client's.
import { Agent, createServer, request as httpRequest } from 'node:http'

export const completion = {
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1754400000,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Refunds are processed within 5 business days.', refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 1200,
    completion_tokens: 300,
    total_tokens: 1500,
    prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_bench',
}
const chunkHeader = {
  id: 'chatcmpl-bench',
  object: 'chat.completion.chunk',
  created: 1754400000,
  model: 'gpt-4o-mini-2024-07-18',
  service_tier: 'default',
  system_fingerprint: 'fp_bench',
}
const deltas = ['Refunds are', ' processed within', ' 5 business days.']
const chunks = [
  { ...chunkHeader, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
  ...deltas.map((content) => ({
    ...chunkHeader,
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  })),
  { ...chunkHeader, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
]
const completionText = JSON.stringify(completion)

/** The API's answer: JSON, or server-sent events with a usage chunk only when asked for (as OpenAI does). */
export function answer(requestBody) {
  const body = JSON.parse(requestBody)
  if (!body.stream) return { type: 'application/json', text: completionText }
  const withUsage = body.stream_options?.include_usage === true
  const events = withUsage
    ? [
        ...chunks.map((chunk) => ({ ...chunk, usage: null })),
        { ...chunkHeader, choices: [], usage: completion.usage },
      ]
    : chunks
  const text = `${events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('')}data: [DONE]\n\n`
  return { type: 'text/event-stream', text }
}

/** The fake provider; Langfuse's ingestion and OTLP trace posts get an empty success. */
function startProvider() {
  const server = createServer((request, response) => {
    const parts = []
    request.on('data', (chunk) => parts.push(chunk))
    request.on('end', () => {
      if (!request.url.includes('/chat/completions')) {
        response.writeHead(request.url.includes('/ingestion') ? 207 : 200, {
          'content-type': 'application/json',
        })
        response.end('{"successes":[],"errors":[]}')
        return
      }
      const { type, text } = answer(Buffer.concat(parts).toString('utf8'))
      response.writeHead(200, { 'content-type': type, 'x-request-id': 'req_bench' })
      response.end(text)
    })
  })
  server.keepAliveTimeout = 60_000
  return server
}

/** Forwards every request to `upstream` on kept-alive connections, streaming both ways. */
function startProxy(upstream) {
  const target = new URL(upstream)
  const agent = new Agent({ keepAlive: true })
  const server = createServer((request, response) => {
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: target.host },
        agent,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      },
    )
    forwarded.on('error', () => response.destroy())
    request.pipe(forwarded)
  })
  server.keepAliveTimeout = 60_000
  return server
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').at(-1))) {
  const [role, upstream] = process.argv.slice(2)
  const server = role === 'proxy' ? startProxy(upstream) : startProvider()
  server.listen(0, '127.0.0.1', () => {
    console.log(`listening http://127.0.0.1:${server.address().port}`)
  })
  process.on('SIGTERM', () => process.exit(0))
}
