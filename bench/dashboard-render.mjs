// How long the dashboard takes to draw its charts once the API has answered, in Debian's Chromium.
// The charts draw bucketed, top-N data (at most 1,500 points a series), so this time does not grow
// with the number of events stored; the API's own time is measured by bench:store.
//
//   npm run bench:dashboard            (builds first; demo data in a temp DuckDB file)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { startServer } from '../packages/server/dist/index.js'

const RUNS = 5
const VIEWS = ['overview', 'breakdowns', 'customers', 'models', 'prompts', 'latency', 'requests']

const folder = mkdtempSync(join(tmpdir(), 'spendlens-render-'))
const server = await startServer({ storePath: join(folder, 'demo.duckdb'), port: 0 })
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
  ],
})

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const rows = []
for (const view of VIEWS) {
  const afterData = []
  let calls = 0
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    // Record when each chart reports it has drawn (data-rendered="true").
    await page.addInitScript(() => {
      window.__renderedAt = []
      new MutationObserver((mutations) => {
        for (const mutation of mutations) {
          if (mutation.target.getAttribute('data-rendered') === 'true')
            window.__renderedAt.push(performance.now())
        }
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-rendered'] })
    })
    await page.goto(`${server.url}?view=${view}&range=30d`)
    await page.waitForLoadState('networkidle')
    const timing = await page.evaluate(() => {
      const api = performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/api/'))
      const lastData = Math.max(...api.map((entry) => entry.responseEnd))
      const drawn = window.__renderedAt.length > 0 ? Math.max(...window.__renderedAt) : lastData
      return { calls: api.length, afterData: Math.max(0, drawn - lastData) }
    })
    calls = timing.calls
    afterData.push(timing.afterData)
    await page.close()
  }
  rows.push({ view, calls, median: median(afterData), worst: Math.max(...afterData) })
}
await browser.close()
await server.close()
rmSync(folder, { recursive: true, force: true })

console.log(`Dashboard render after the last API answer, ${RUNS} loads per view, 30-day range, demo data`)
console.log('view        api calls  median ms  worst ms  under 1 s')
for (const row of rows) {
  console.log(
    `${row.view.padEnd(12)}${String(row.calls).padStart(9)}${row.median.toFixed(0).padStart(11)}${row.worst.toFixed(0).padStart(10)}  ${row.worst < 1000 ? 'yes' : 'NO'}`,
  )
}
