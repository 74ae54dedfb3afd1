import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain script of `npm start`, without type declarations
import { isStale } from '../scripts/build-if-stale.mjs'

let folder: string
let inputs: string[]
let output: string

/** Writes a file with the given modification time (seconds since the epoch). */
async function file(path: string, seconds: number) {
  await writeFile(path, 'x')
  await utimes(path, seconds, seconds)
}

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'spendlens-build-if-stale-'))
  await mkdir(join(folder, 'src', 'views'), { recursive: true })
  await file(join(folder, 'src', 'app.tsx'), 1000)
  await file(join(folder, 'src', 'views', 'view.tsx'), 1000)
  await file(join(folder, 'vite.config.ts'), 1000)
  inputs = [join(folder, 'src'), join(folder, 'vite.config.ts'), join(folder, 'missing.json')]
  output = join(folder, 'public')
})
afterEach(() => rm(folder, { recursive: true, force: true }))

async function build(seconds: number) {
  await mkdir(join(output, 'assets'), { recursive: true })
  await file(join(output, 'index.html'), seconds)
  await file(join(output, 'assets', 'index.js'), seconds)
}

describe('the dashboard build npm start skips', () => {
  it('is stale on a fresh clone, with nothing built', () => {
    expect(isStale(inputs, output)).toBe(true)
  })

  it('is fresh when every input is older than the build', async () => {
    await build(2000)
    expect(isStale(inputs, output)).toBe(false)
  })

  it('is stale when a source deep in a folder changed after the build', async () => {
    await build(2000)
    await file(join(folder, 'src', 'views', 'view.tsx'), 3000)
    expect(isStale(inputs, output)).toBe(true)
  })

  it('is stale when the config changed, or when part of the build is older than an input', async () => {
    await build(2000)
    await file(join(folder, 'vite.config.ts'), 2500)
    expect(isStale(inputs, output)).toBe(true)
    await build(3000)
    expect(isStale(inputs, output)).toBe(false)
    // A build cut short: one file of it from before the change.
    await utimes(join(output, 'assets', 'index.js'), 1500, 1500)
    expect(isStale(inputs, output)).toBe(true)
  })

  it('is stale when the build has no index.html', async () => {
    await build(2000)
    await rm(join(output, 'index.html'))
    expect(isStale(inputs, output)).toBe(true)
  })
})
