// The CPU one chart's first draw costs in Chromium, chart by chart, for two versions of the
// dashboard's chart options side by side: what `bench:dashboard` cannot separate on a loaded machine
// (there a view's figure is its charts, React's work and the wait for a core, one load at a time).
//
//   node bench/chart-draw.mjs [--before <git revision, default main>] [--cold 10] [--iterations 40] [--warmup 5]
//
// 1. The dashboard's own option builders (packages/dashboard/src/charts: ranked bars, the ranked
//    stack, the scatter), of this working tree and of `--before` (its packages/dashboard/src taken
//    with `git archive` into node_modules/.chart-draw-bench, so its imports resolve), bundled with
//    the dashboard's bundler (vite) for the page, each with the ECharts pieces the charts use.
// 2. Data shaped as the views draw it (bench:dashboard's store at any volume: top-N rows): 16 ranked
//    bars (15 and Others, as customers, breakdowns and prompts draw them), 15 templates × 2 stacked
//    series with a legend (prompts' tokens per call), scatters of 100 and 200 points (customers',
//    users').
// 3. In Debian's Chromium, each chart drawn as the dashboard's Chart component draws it:
//    `echarts.init` on a fresh 580×400 box, the option set without animation, the canvas painted
//    (`flush`), then disposed; timed with performance.now().
//    Cold: a fresh page per version and iteration (the order alternating), each chart drawn once in
//    turn, ANSWER_MS after the page's script ran and, for a version that has one, after its warm-up
//    (components/chart-warm-up.ts, run as the dashboard runs it while its answers are on their way;
//    its own time is printed). Warm: one page, each chart drawn again and again.
//    Median and min per chart, ratios of the medians and of the mins (the min is the draw that
//    waited least for a core: the steadiest figure on a loaded machine).
//
// Figures only; nothing is asserted. The machine's load average is printed before and after.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { build } from 'vite'
import { ms, table } from './bench-support.mjs'

const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`)
  return index === -1 ? fallback : process.argv[index + 1]
}
const BEFORE = option('before', 'main')
const ITERATIONS = Number(option('iterations', 40))
const WARMUP = Number(option('warmup', 5))
const COLD = Number(option('cold', 10))
const ANSWER_MS = 300
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WORK = join(ROOT, 'node_modules', '.chart-draw-bench')
const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')

/** The page's script: the charts' options from the dashboard source in `src`, and a timed draw. */
function entrySource(src) {
  const warmUp = existsSync(join(src, 'components/chart-warm-up.ts'))
  return `
${warmUp ? `export { drawWarmUp as warmUp } from '${src}/components/chart-warm-up'` : 'export const warmUp = undefined'}
import { BarChart, ScatterChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { rankedBarsOption } from '${src}/charts/ranked-bars'
import { rankedStackOption } from '${src}/charts/ranked-stack'
import { scatterOption } from '${src}/charts/scatter'
import { LIGHT_PALETTE } from '${src}/charts/palette'
import { formatCompact, formatInteger, formatUsd, formatUsdShort } from '${src}/lib/format'

echarts.use([BarChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])
const theme = { palette: LIGHT_PALETTE, animate: false, narrow: false }
// Names and figures spread as the demo's are: a few long names, values over orders of magnitude.
const name = (prefix, index) => prefix + '-' + ['acme', 'globex', 'initech', 'umbrella-research', 'hooli'][index % 5] + '-' + index
const bars = Array.from({ length: 16 }, (_, index) => ({
  name: index === 15 ? 'Others' : name('customer', index),
  value: 5000 / (index + 1) ** 1.3,
  muted: index === 15,
  details: ['Share: ' + (30 / (index + 1)).toFixed(1) + '%', 'Requests: ' + formatInteger(90000 / (index + 1))],
}))
const templates = Array.from({ length: 15 }, (_, index) => name('prompt', index))
const points = (count) =>
  Array.from({ length: count }, (_, index) => ({
    name: name('user', index),
    x: Math.round(100000 / (index + 1) ** 1.1),
    y: 4000 / (index + 1) ** 1.2,
    size: Math.round(9e6 / (index + 1) ** 1.1),
  }))
const scatter = (count) =>
  scatterOption(
    { points: points(count), xName: 'Requests', yName: 'Cost', xFormat: formatCompact, yFormat: formatUsdShort, sizeName: 'Tokens', sizeFormat: formatCompact },
    theme,
  )
export const charts = {
  'ranked bars (16)': () => rankedBarsOption({ rows: bars, format: formatUsd, axisFormat: formatUsdShort, unknownLabel: 'cost unknown' }, theme),
  'ranked stack (15 × 2, legend)': () =>
    rankedStackOption(
      {
        names: templates,
        series: [
          { name: 'Input per call', values: templates.map((_, index) => 3000 / (index + 1)) },
          { name: 'Output per call', values: templates.map((_, index) => 800 / (index + 1)) },
        ],
        format: (value) => formatInteger(value) + ' tokens',
        axisFormat: formatCompact,
      },
      theme,
    ),
  'scatter (100 points)': () => scatter(100),
  'scatter (200 points)': () => scatter(200),
}
/** ms for one first draw of chart \`key\`, as the dashboard's Chart component draws it. */
export function draw(key) {
  const box = document.createElement('div')
  box.style.cssText = 'width: 580px; height: 400px'
  document.body.append(box)
  const started = performance.now()
  const chart = echarts.init(box, undefined, { renderer: 'canvas' })
  chart.setOption({ ...charts[key](), animation: false }, { replaceMerge: ['series'] })
  chart.getZr().flush()
  const took = performance.now() - started
  chart.dispose()
  box.remove()
  return took
}
`
}

/** The bundle of `entrySource(src)` for the page: an IIFE setting window.<global>. */
async function bundle(src, global) {
  const folder = join(WORK, global)
  mkdirSync(folder, { recursive: true })
  const entry = join(folder, 'entry.ts')
  writeFileSync(entry, entrySource(src))
  const output = await build({
    configFile: false,
    logLevel: 'warn',
    // Library mode leaves process.env.NODE_ENV to the user (ECharts reads it for its dev checks).
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: { write: false, minify: true, lib: { entry, formats: ['iife'], name: global, fileName: global } },
  })
  return (Array.isArray(output) ? output[0] : output).output.find((file) => file.type === 'chunk').code
}

const loadBefore = load()
rmSync(WORK, { recursive: true, force: true })
const beforeSrc = join(WORK, 'before-src')
mkdirSync(beforeSrc, { recursive: true })
execFileSync('sh', [
  '-c',
  `git -C "${ROOT}" archive "${BEFORE}" packages/dashboard/src | tar -x -C "${beforeSrc}"`,
])
const revision = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', BEFORE], {
  encoding: 'utf8',
}).trim()
const versions = [
  {
    name: `before (${revision})`,
    global: 'before',
    code: await bundle(join(beforeSrc, 'packages/dashboard/src'), 'before'),
  },
  {
    name: 'this tree',
    global: 'current',
    code: await bundle(join(ROOT, 'packages/dashboard/src'), 'current'),
  },
]

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
})
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length / 2
  return sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** A blank page (in a context of its own) holding `scripts`. */
async function pageWith(scripts) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`))
  await page.setContent('<!doctype html><html><body style="margin: 0"></body></html>')
  for (const code of scripts) await page.addScriptTag({ content: code })
  return { page, context }
}

/** Rows of the table: per chart, each version's median and min, and the ratios. */
function rows(keys, samples) {
  const [before, current] = versions.map((version) => samples.get(version.global))
  return keys.map((key) => {
    const [b, c] = [before.get(key), current.get(key)]
    return [
      key,
      ms(median(b)),
      ms(Math.min(...b)),
      ms(median(c)),
      ms(Math.min(...c)),
      `${(median(c) / median(b)).toFixed(2)}x`,
      `${(Math.min(...c) / Math.min(...b)).toFixed(2)}x`,
    ]
  })
}
const headers = [
  'chart',
  `${versions[0].name} median`,
  'min',
  'this tree median',
  'min',
  'ratio of medians',
  'ratio of mins',
]

try {
  // Cold: a fresh page per version and iteration, each chart drawn once in turn, as a view's first
  // answer is (a page load compiles ECharts' code as it first runs: the first chart pays most).
  const cold = new Map(versions.map((version) => [version.global, new Map()]))
  const warmUps = []
  let keys
  for (let round = 0; round < COLD; round++) {
    const order = round % 2 ? [...versions].reverse() : versions
    for (const version of order) {
      const { page, context } = await pageWith([version.code])
      // The version's warm-up, if it has one, as the dashboard runs it while its answers are on
      // their way; then a moment as for an answer.
      const warmUpMs = await page.evaluate((global) => {
        const started = performance.now()
        if (!window[global].warmUp) return undefined
        window[global].warmUp()
        return performance.now() - started
      }, version.global)
      if (warmUpMs !== undefined) warmUps.push(warmUpMs)
      await page.waitForTimeout(ANSWER_MS)
      const draws = await page.evaluate(
        (global) => Object.keys(window[global].charts).map((key) => [key, window[global].draw(key)]),
        version.global,
      )
      await context.close()
      keys = draws.map(([key]) => key)
      for (const [key, took] of draws)
        cold.get(version.global).set(key, [...(cold.get(version.global).get(key) ?? []), took])
    }
  }
  // Warm: one page, each chart drawn again and again (the code compiled and optimised).
  const warm = new Map(versions.map((version) => [version.global, new Map(keys.map((key) => [key, []]))]))
  const { page } = await pageWith(versions.map((version) => version.code))
  for (let round = -WARMUP; round < ITERATIONS; round++) {
    const order = round % 2 ? [...versions].reverse() : versions
    for (const version of order)
      for (const key of keys) {
        const took = await page.evaluate(
          ([global, chart]) => window[global].draw(chart),
          [version.global, key],
        )
        if (round >= 0) warm.get(version.global).get(key).push(took)
      }
  }
  console.log(
    `chart first draw (init, option without animation, canvas painted), ${browser.version()}, 580×400, ms; load average ${loadBefore} before, ${load()} after\n`,
  )
  console.log(
    `cold: ${COLD} fresh pages per version, each chart drawn once, in this order, ${ANSWER_MS} ms after the page's script ran (and after its warm-up, if the version has one)`,
  )
  console.log(table(headers, rows(keys, cold)))
  if (warmUps.length > 0)
    console.log(
      `the warm-up itself (before the answers, in idle time): median ${ms(median(warmUps))} ms, ${ms(Math.min(...warmUps))}–${ms(Math.max(...warmUps))}`,
    )
  console.log(
    `\nwarm: ${ITERATIONS} draws per chart and version in one page after ${WARMUP} warm-up, interleaved`,
  )
  console.log(table(headers, rows(keys, warm)))
} finally {
  await browser.close()
  rmSync(WORK, { recursive: true, force: true })
}
