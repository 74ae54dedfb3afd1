// What the server benchmarks share: the real server in its own process, CPU and memory from /proc,
// events and request bodies varied from template events, timings, exact percentiles and plain tables.
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const CLI = fileURLToPath(new URL('../packages/server/dist/cli.js', import.meta.url))
const HOUR_MS = 3_600_000
const APPEND_BATCH = 20_000

/**
 * `spendlens serve --store <location> --port 0 --no-demo …args` in its own process, resolved once it
 * listens (`{ demo: true }`: without --no-demo, so an empty store gets the demo; `{ cli }`: another
 * build's dist/cli.js, for a before/after in the same run).
 * BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
 */
export async function startSpendlensServer(location, args = [], options = {}) {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      options.cli ?? CLI,
      'serve',
      '--store',
      location,
      '--port',
      '0',
      ...(options.demo ? [] : ['--no-demo']),
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const url = await new Promise((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = /Ingest:\s+POST (http:\/\/\S+?)\/v1\/events/.exec(output)
      if (match) resolve(match[1])
    })
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before it listened`)))
  })
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode)
        child.on('exit', resolve)
        child.kill('SIGTERM')
      }),
  }
}

/** `spendlens keys create --store <location> --role <role>`: the key, alone on its last line. */
export function createKeyWithCli(location, role, name = 'bench') {
  const result = spawnSync(
    process.execPath,
    [CLI, 'keys', 'create', '--store', location, '--role', role, '--name', name],
    { encoding: 'utf8' },
  )
  if (result.status !== 0) throw new Error(`keys create failed (${result.status}): ${result.stderr}`)
  return result.stdout.trim().split('\n').at(-1)
}

/**
 * CPU time so far, in seconds, on Linux (/proc; undefined elsewhere): of process `pid`, and of the
 * whole machine split into busy, idle and stolen (by the hypervisor: a noisy neighbour).
 */
export function cpuTimes(pid) {
  try {
    const ticks = 100 // USER_HZ, 100 on every Linux this runs on
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const processSeconds = (Number(fields[11]) + Number(fields[12])) / ticks
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number)
    return {
      process: processSeconds,
      busy: (user + nice + system + irq + softirq) / ticks,
      idle: (idle + iowait) / ticks,
      steal: steal / ticks,
    }
  } catch {
    return undefined
  }
}

/** The resident memory of process `pid` in bytes (VmRSS, /proc on Linux; undefined elsewhere). */
export function residentBytes(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

/**
 * Where replica `replica` of an event at `time` (epoch ms) lands: moved within its UTC hour, so
 * events varied from a template set keep its hourly shape.
 */
export function movedWithinHour(time, replica) {
  const hour = Math.floor(time / HOUR_MS) * HOUR_MS
  return hour + ((time - hour + replica * 1_234_567) % HOUR_MS)
}

/**
 * `count` events varied from `templates` appended to `store` in process, 20,000 a call (the append
 * path ingest ends in, without HTTP: the fastest honest way to fill a store). Event k is a replica
 * of template k mod T with its own id, moved within its hour (fewer events than templates: an even
 * sample of them, so the events still span the templates' time); the whole set is shifted so that
 * the latest template lands at `end` (epoch ms). Answers the seconds it took.
 */
export async function appendVariedEvents(store, templates, count, end) {
  const started = performance.now()
  const shift = end - templates.reduce((latest, event) => Math.max(latest, Date.parse(event.ts)), 0)
  const sampled = count < templates.length
  for (let start = 0; start < count; start += APPEND_BATCH) {
    const batch = []
    for (let k = start; k < Math.min(count, start + APPEND_BATCH); k++) {
      const template = templates[sampled ? Math.floor((k * templates.length) / count) : k % templates.length]
      const replica = sampled ? 0 : Math.floor(k / templates.length)
      batch.push({
        ...template,
        event_id: `bench-${k}`,
        ts: new Date(movedWithinHour(Date.parse(template.ts) + shift, replica)).toISOString(),
      })
    }
    await store.append(batch)
  }
  return (performance.now() - started) / 1000
}

/** A template's JSON with the varying fields cut out: [literal, field, literal, field, …, literal]. */
export function templateParts(event) {
  const marked = JSON.stringify({
    ...event,
    event_id: '@@event_id@@',
    ts: '@@ts@@',
    latency_ms: event.latency_ms === null ? null : '@@latency_ms@@',
    provider_request_id: '@@provider_request_id@@',
  })
  return marked.split(/"@@(\w+)@@"/)
}

/** A template's JSON with its fields filled in (`values`: each field's JSON text). */
export function fillTemplate(parts, values) {
  let text = parts[0]
  for (let index = 1; index < parts.length; index += 2) text += values[parts[index]] + parts[index + 1]
  return text
}

/** The p-th percentile of `samples` (nearest rank; undefined for none). */
export function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/** How long `work` took, in ms. */
export async function timed(work) {
  const started = performance.now()
  await work()
  return performance.now() - started
}

/** The smallest and largest of `samples`, in ms. */
export const spread = (samples) => `${ms(Math.min(...samples))}–${ms(Math.max(...samples))}`

export const ms = (value) => value.toFixed(1)
export const integer = (value) => Math.round(value).toLocaleString('en-US')

export function table(headers, rows) {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => String(row[column]).length)),
  )
  const line = (cells) => cells.map((cell, column) => String(cell).padStart(widths[column])).join('  ')
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n')
}

/** A numeric `--name value` option of the command line, or `fallback`. */
export function argument(name, fallback) {
  const index = process.argv.indexOf(`--${name}`)
  return index === -1 ? fallback : Number(process.argv[index + 1])
}
