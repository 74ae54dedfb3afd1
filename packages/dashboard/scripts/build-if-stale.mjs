#!/usr/bin/env node
// `npm start` builds the dashboard only when it changed: vite's build (and the dashboard's
// typecheck before it) takes most of a start, and nothing in it is incremental. The build is stale
// when any input is newer than the oldest file of the built dashboard, or when there is none (a
// fresh clone). Inputs: the dashboard's sources and config, the server's API types and helpers it
// imports (src/api), and the lockfile (a dependency changed).

import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const dashboard = join(dirname(fileURLToPath(import.meta.url)), '..')
const root = join(dashboard, '..', '..')

/** What the built dashboard is made from. */
export const INPUTS = [
  join(dashboard, 'src'),
  join(dashboard, 'index.html'),
  join(dashboard, 'vite.config.ts'),
  join(dashboard, 'tsconfig.json'),
  join(dashboard, 'package.json'),
  join(root, 'packages', 'server', 'src', 'api'),
  join(root, 'package-lock.json'),
]
/** Where vite writes it (vite.config.ts's outDir). */
export const OUTPUT = join(root, 'packages', 'server', 'dist', 'public')

/** Every file under `path` (or `path` itself), with its modification time; none when missing. */
function files(path) {
  let stats
  try {
    stats = statSync(path)
  } catch {
    return []
  }
  if (!stats.isDirectory()) return [stats.mtimeMs]
  return readdirSync(path).flatMap((name) => files(join(path, name)))
}

/** Whether the output is missing, or older than any input. */
export function isStale(inputs = INPUTS, output = OUTPUT) {
  const built = files(output)
  if (built.length === 0 || !files(join(output, 'index.html')).length) return true
  const oldestBuilt = Math.min(...built)
  return inputs.some((input) => files(input).some((modified) => modified > oldestBuilt))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!isStale()) {
    console.log('The dashboard is up to date (packages/server/dist/public); not rebuilt.')
  } else {
    const build = spawnSync('npm', ['run', 'build', '-w', '@spendlens/dashboard'], {
      cwd: root,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    })
    process.exit(build.status ?? 1)
  }
}
