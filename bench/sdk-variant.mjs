// One variant of bench:sdk's side-by-side, in a process of its own (bench/sdk-overhead.mjs starts it):
// sequential chat calls with the official `openai` client against the fake provider, in timed
// blocks. Each block's clock and CPU (process.cpuUsage: every thread of the process) run from its
// first call until the variant has flushed what the calls left behind (events built, priced,
// serialized and delivered; spans or traces exported), so no deferred work escapes the timing.
// Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import OpenAI from 'openai'
import { argument } from './bench-support.mjs'

const option = (name) => {
  const index = process.argv.indexOf(`--${name}`)
  return index === -1 ? undefined : process.argv[index + 1]
}
const VARIANT = option('variant')
const SDK = option('sdk')
const CALLS = argument('calls', 3000)
const ROUNDS = argument('rounds', 3)
const WARMUP = argument('warmup', 500)
const urls = { provider: option('provider'), proxy: option('proxy'), server: option('server') }

const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'How long do refunds take?' }] }
const openai = (baseURL) => new OpenAI({ apiKey: 'sk-bench', baseURL, maxRetries: 0 })

async function spendlens(sinkKind) {
  const sdk = await import(pathToFileURL(resolve(SDK, 'index.js')).href)
  const internal = await import(pathToFileURL(resolve(SDK, 'internal.js')).href)
  const spool = mkdtempSync(join(tmpdir(), 'spendlens-bench-spool-'))
  let received = 0
  const tracker = sdk.createTracker({
    ...(sinkKind === 'callback'
      ? {
          sinks: [
            sdk.callbackSink(() => {
              received++
            }),
          ],
        }
      : { endpoint: urls.server, spool: { dir: spool } }),
    onWarning: (message) => console.error(`[${VARIANT}] ${message}`),
  })
  const sink = internal.recorderOf(tracker).sinks[0]
  return {
    client: tracker.wrap(openai(`${urls.provider}/v1`), { feature: 'bench', customer_id: 'acme' }),
    flush: () => tracker.flush(),
    stats: () => ({ ...sink.stats(), received }),
    close: () => rmSync(spool, { recursive: true, force: true }),
  }
}

async function variant() {
  switch (VARIANT) {
    case 'raw':
      return { client: openai(`${urls.provider}/v1`), flush: async () => undefined }
    case 'proxy':
      return { client: openai(`${urls.proxy}/v1`), flush: async () => undefined }
    case 'spendlens-callback':
      return spendlens('callback')
    case 'spendlens-http':
      return spendlens('http')
    case 'langfuse': {
      const peers = await import('./peers/peer-variants.mjs')
      return peers.langfuseClient(openai(`${urls.provider}/v1`), urls.provider)
    }
    case 'openllmetry': {
      const peers = await import('./peers/peer-variants.mjs')
      return peers.openLLMetryClient(OpenAI, () => openai(`${urls.provider}/v1`))
    }
    default:
      throw new Error(`unknown variant ${VARIANT}`)
  }
}

const subject = await variant()
for (let i = 0; i < WARMUP; i++) await subject.client.chat.completions.create(request)
await subject.flush()

const rounds = []
const latencies = new Float64Array(CALLS)
for (let round = 0; round < ROUNDS; round++) {
  const cpu = process.cpuUsage()
  const started = performance.now()
  for (let i = 0; i < CALLS; i++) {
    const callStarted = performance.now()
    await subject.client.chat.completions.create(request)
    latencies[i] = performance.now() - callStarted
  }
  await subject.flush()
  const wallMs = performance.now() - started
  const used = process.cpuUsage(cpu)
  latencies.sort()
  rounds.push({
    wallUs: (wallMs * 1000) / CALLS,
    medianUs: (latencies[Math.floor(CALLS / 2)] ?? 0) * 1000,
    cpuUs: (used.user + used.system) / CALLS,
  })
}
const stats = subject.stats?.()
subject.close?.()
console.log(JSON.stringify({ variant: VARIANT, sdk: SDK, rounds, stats }))
process.exit(0)
