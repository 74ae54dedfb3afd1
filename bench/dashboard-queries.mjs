// The dashboard's own query definitions (packages/dashboard/src/queries), bundled for Node with
// the dashboard's bundler (vite, as its build does) into a temp file and imported: the benchmark
// times the bodies the views send, not a copy of them that could drift.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'vite'

const ENTRY = fileURLToPath(new URL('../packages/dashboard/src/queries/index.ts', import.meta.url))

/** packages/dashboard/src/queries/index.ts as a module. */
export async function loadDashboardQueries() {
  const output = await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      minify: false,
      lib: { entry: ENTRY, formats: ['es'], fileName: 'dashboard-queries' },
    },
  })
  const chunk = (Array.isArray(output) ? output[0] : output).output.find((file) => file.type === 'chunk')
  const folder = mkdtempSync(join(tmpdir(), 'spendlens-dashboard-queries-'))
  const file = join(folder, 'dashboard-queries.mjs')
  writeFileSync(file, chunk.code)
  try {
    return await import(pathToFileURL(file).href)
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
