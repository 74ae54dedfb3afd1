import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../src/start-server.js'

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const run = promisify(execFile)

let folder: string
let store: string
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-keys-cli-'))
  store = join(folder, 'events.duckdb')
})
afterAll(() => rm(folder, { recursive: true, force: true }))

/** The built CLI, as a user runs it. */
async function cli(...args: string[]) {
  return run(process.execPath, [CLI, ...args, '--store', store])
}

describe('spendlens keys and users', () => {
  it('keys create prints the key alone on its last line; list shows it without it; revoke ends it', async () => {
    const made = await cli('keys', 'create', '--role', 'read', '--name', 'grafana')
    const lines = made.stdout.trimEnd().split('\n')
    const key = lines.at(-1) as string
    expect(key).toMatch(/^sl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/)
    const id = key.slice(3, 15)
    expect(lines.slice(0, -1).join('\n')).toContain(id)

    const listed = (await cli('keys', 'list')).stdout
    expect(listed).toMatch(new RegExp(`${id}\\tdefault\\tread\\tgrafana\\t`))
    expect(listed).not.toContain(key.slice(16))

    // The server the store starts now needs the key.
    const server = await startServer({ store, port: 0, demo: false })
    try {
      expect((await fetch(`${server.url}api/meta`)).status).toBe(401)
      expect(
        (await fetch(`${server.url}api/meta`, { headers: { authorization: `Bearer ${key}` } })).status,
      ).toBe(200)
      // The store is held by the server: the CLI says how to manage keys meanwhile.
      await expect(cli('keys', 'revoke', id)).rejects.toThrow(/POST \/api\/keys/)
    } finally {
      await server.close()
    }

    expect((await cli('keys', 'revoke', id)).stdout).toContain(`Revoked key ${id}`)
    expect((await cli('keys', 'list')).stdout).toMatch(
      new RegExp(`${id}\\t.*\\t\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$`, 'm'),
    )
    await expect(cli('keys', 'create', '--role', 'owner')).rejects.toThrow(
      /expected one of ingest, read, admin/,
    )
  })

  it('users create reads the password from standard input and stores only its hash', async () => {
    const child = execFile(process.execPath, [CLI, 'users', 'create', 'ana', '--store', store])
    child.stdin?.end('a long enough password\n')
    const output = await new Promise<string>((resolve, reject) => {
      let text = ''
      child.stdout?.on('data', (chunk) => {
        text += chunk
      })
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}`))))
    })
    expect(output).toContain('Made read user ana for default.')
    expect((await cli('users', 'list')).stdout).toMatch(/^ana\tread\tdefault\t/m)
  })
})
