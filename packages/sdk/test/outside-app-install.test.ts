import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeProvider, startFakeProvider } from './fake-provider.js'

// What docs/sdk.md tells an app outside this repository to do until the SDK is on npm: pack it,
// install the tarball. Here a fresh app in a temporary folder does exactly that (with the official
// `openai` client at the version this repository tests), and its calls reach a real spendlens server
// started from the built CLI (`npm test` builds first) on a temporary DuckDB file.

const SDK_FOLDER = fileURLToPath(new URL('..', import.meta.url))
const CLI = fileURLToPath(new URL('../../server/dist/cli.js', import.meta.url))
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const OPENAI_VERSION = (
  JSON.parse(readFileSync(new URL('../../../node_modules/openai/package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version
const SDK_VERSION = (
  JSON.parse(readFileSync(join(SDK_FOLDER, 'package.json'), 'utf8')) as { version: string }
).version

// gpt-4o-mini fixture: $0.0002832 a call (openai.test.ts works it out).
const GPT_4O_MINI_COST = 0.0002832

/** The environment without what an enclosing `npm test` sets, so each npm below acts as if typed in a shell. */
function plainEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name) && name !== 'INIT_CWD') environment[name] = value
  }
  return { ...environment, ...extra }
}

interface Finished {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs a command to its end and collects its output; spawn, not spawnSync, so the fakes here keep answering. */
function run(command: string, args: string[], cwd: string, extra: Record<string, string> = {}) {
  return new Promise<Finished>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: plainEnvironment(extra),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

function succeeded(result: Finished, what: string): string {
  if (result.status !== 0)
    throw new Error(`${what} exited ${result.status}:\n${result.stderr}\n${result.stdout}`)
  return result.stdout
}

/** `spendlens serve` on a temporary store and a free port; resolves with its URL once it listens. */
function startServer(store: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--store', store, '--port', '0', '--no-demo', '--anomaly-interval', '0'],
    { env: plainEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return new Promise((resolve, reject) => {
    let output = ''
    const collect = (chunk: Buffer) => {
      output += chunk
      const match = /Dashboard:\s+(http:\/\/\S+)/.exec(output)
      if (match?.[1]) resolve({ url: match[1].replace(/\/$/, ''), child })
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    child.on('exit', (code) => reject(new Error(`spendlens serve exited ${code}:\n${output}`)))
  })
}

const APP_ESM = `import OpenAI from 'openai'
import { flush, init, wrap } from 'spendlens'

init({ endpoint: process.env.SPENDLENS_ENDPOINT })
const openai = wrap(new OpenAI({ apiKey: 'sk-outside-app', baseURL: process.env.FAKE_OPENAI_URL }), {
  feature: 'outside-app',
  customer_id: 'tarball-customer',
})
const completion = await openai.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hello from outside the repository' }],
})
await flush()
console.log(JSON.stringify({ id: completion.id }))
`

// A CommonJS app: Node 20.19+ and 22.12+ load the ESM-only SDK with require() (engines says so).
const APP_CJS = `const { wrap, withTags, SpendlensError } = require('spendlens')
console.log(JSON.stringify({ wrap: typeof wrap, withTags: typeof withTags, error: typeof SpendlensError }))
`

// A TypeScript app: the types come from the tarball's dist/*.d.ts through "exports".
const APP_TS = `import OpenAI from 'openai'
import { type CostEvent, callbackSink, createTracker, tagCall, wrap } from 'spendlens'

const events: CostEvent[] = []
const tracker = createTracker({ sinks: [callbackSink((event) => events.push(event))] })
const openai: OpenAI = wrap(new OpenAI({ apiKey: 'sk' }), { feature: 'typed' })
const costs: (number | null)[] = events.map((event) => event.cost_usd)
void tracker
void openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, tagCall({ route: '/typed' }))
void costs
`

describe('an app outside the repository, with the SDK installed from its packed tarball', () => {
  let folder: string
  let app: string
  let tarballFiles: string[]
  let provider: FakeProvider
  let server: { url: string; child: ChildProcess } | undefined

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendlens-outside-app-'))
    app = join(folder, 'app')
    await mkdir(app)
    // npm pack runs the SDK's prepack (tsc -b), as a release would; its banner may precede the JSON.
    const packOutput = succeeded(
      await run('npm', ['pack', '--json', '--pack-destination', folder], SDK_FOLDER),
      'npm pack',
    )
    const [{ filename, files }] = JSON.parse(packOutput.slice(packOutput.indexOf('\n[') + 1)) as [
      { filename: string; files: { path: string }[] },
    ]
    tarballFiles = files.map((file) => file.path)

    await writeFile(
      join(app, 'package.json'),
      JSON.stringify({ name: 'outside-app', version: '1.0.0', private: true, type: 'module' }, null, 2),
    )
    await writeFile(join(app, 'app.mjs'), APP_ESM)
    // --prefer-offline: openai and the price catalog come from the npm cache this repository's
    // install filled; the registry is asked only for what the cache lacks.
    succeeded(
      await run(
        'npm',
        [
          'install',
          join(folder, filename),
          `openai@${OPENAI_VERSION}`,
          '--prefer-offline',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
        ],
        app,
      ),
      'npm install',
    )
    provider = await startFakeProvider()
    server = await startServer(join(folder, 'spendlens.duckdb'))
  }, 120_000)

  afterAll(async () => {
    const child = server?.child
    if (child && child.exitCode === null && child.signalCode === null) {
      const exit = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exit
    }
    await provider?.close()
    if (folder) await rm(folder, { recursive: true, force: true })
  })

  it('packs only the built SDK: JavaScript, its types and its price data, no sources, tests or source maps', () => {
    expect(tarballFiles).toContain('package.json')
    expect(tarballFiles).toContain('README.md')
    expect(tarballFiles).toContain('dist/index.js')
    expect(tarballFiles).toContain('dist/index.d.ts')
    expect(tarballFiles).toContain('dist/internal.d.ts')
    // The prices the catalog lacks (pricing/supplement.json), read by the SDK at load.
    expect(tarballFiles).toContain('dist/pricing/supplement.json')
    const unexpected = tarballFiles.filter(
      (path) =>
        !['package.json', 'README.md', 'dist/pricing/supplement.json'].includes(path) &&
        !/^dist\/.+\.(js|d\.ts)$/.test(path),
    )
    expect(unexpected).toEqual([])
    expect(tarballFiles.filter((path) => /\.test\.|fixtures|^src\//.test(path))).toEqual([])
  })

  it('installs the tarball without the repository: the SDK and its one dependency land in the app', () => {
    const appRequire = createRequire(join(app, 'package.json'))
    const installed = JSON.parse(readFileSync(appRequire.resolve('spendlens/package.json'), 'utf8')) as {
      version: string
    }
    expect(installed.version).toBe(SDK_VERSION)
    expect(appRequire.resolve('spendlens/package.json')).toBe(
      join(app, 'node_modules', 'spendlens', 'package.json'),
    )
    expect(appRequire.resolve('@pydantic/genai-prices')).toContain(join(app, 'node_modules'))
  })

  it("wraps the official OpenAI client, and the server stores the call's event at its price", async () => {
    const url = (server as NonNullable<typeof server>).url
    const result = await run(process.execPath, ['app.mjs'], app, {
      SPENDLENS_ENDPOINT: url,
      FAKE_OPENAI_URL: provider.openaiBaseURL,
    })
    expect(result.stderr).toBe('')
    expect(JSON.parse(succeeded(result, 'node app.mjs'))).toEqual({ id: expect.any(String) })
    expect(provider.requests.map((request) => request.path)).toEqual(['/v1/chat/completions'])

    const response = await fetch(`${url}/api/events?feature=outside-app`)
    expect(response.status).toBe(200)
    const { events } = (await response.json()) as { events: Record<string, unknown>[] }
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      provider: 'openai',
      operation: 'chat',
      requested_model: 'gpt-4o-mini',
      model: 'gpt-4o-mini-2024-07-18',
      customer_id: 'tarball-customer',
      status: 'ok',
      pricing_status: 'priced',
      sdk: `spendlens-js/${SDK_VERSION}`,
      provider_request_id: provider.requests[0]?.requestId,
    })
    expect(events[0]?.cost_usd).toBeCloseTo(GPT_4O_MINI_COST, 12)
  })

  it('loads in a CommonJS app through require()', async () => {
    await writeFile(join(app, 'app.cjs'), APP_CJS)
    const result = await run(process.execPath, ['app.cjs'], app)
    expect(JSON.parse(succeeded(result, 'node app.cjs'))).toEqual({
      wrap: 'function',
      withTags: 'function',
      error: 'function',
    })
  })

  it("type-checks a TypeScript app against the tarball's declarations", async () => {
    await writeFile(join(app, 'app.ts'), APP_TS)
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['app.ts'],
      }),
    )
    succeeded(await run(process.execPath, [TSC, '-p', 'tsconfig.json'], app), 'tsc')
  })
})
