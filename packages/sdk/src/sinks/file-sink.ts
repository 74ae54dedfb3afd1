import { closeSync, fstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Sink } from './sink.js'

export interface FileSinkOptions {
  /** The JSONL file, e.g. `logs/spendlens.jsonl`; its folder is created if missing. */
  path: string
  /** Rotate before the file would grow past this. Default 10 MB. */
  maxBytes?: number
  /** Files kept, the current one included: `path`, `path.1` (the newest rotated) … Default 5. */
  maxFiles?: number
  /** Buffered lines are written this often, and at flush / exit. Default 1000 ms. */
  flushIntervalMs?: number
  onWarning?: (message: string) => void
}

/**
 * Appends one CostEvent per line (the wire format: `POST /v1/events` takes the file as NDJSON).
 * Lines are buffered and written with a synchronous `writeSync` on a timer that does not keep the
 * process alive, as pino's default destination does: a write of a second's events costs about a
 * millisecond off the caller's path, and an exit can never lose or reorder lines that were handed
 * to it. When a write would take the file past `maxBytes` it is rotated: `path` becomes `path.1`,
 * `path.1` becomes `path.2`, and the oldest beyond `maxFiles` is deleted.
 *
 * One process per file: two processes rotating the same file would rename each other's lines.
 */
export function fileSink(options: FileSinkOptions): Sink {
  const { path } = options
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024
  const maxFiles = Math.max(1, options.maxFiles ?? 5)
  const flushIntervalMs = options.flushIntervalMs ?? 1000
  const onWarning = options.onWarning ?? ((message: string) => console.warn(`[spendlens] ${message}`))
  const warn = (message: string) => {
    try {
      onWarning(message)
    } catch {}
  }

  let buffered: string[] = []
  let fd: number | undefined
  let size = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let sent = 0
  let dropped = 0
  let failedAttempts = 0

  function open(): number {
    if (fd !== undefined) return fd
    mkdirSync(dirname(path), { recursive: true })
    fd = openSync(path, 'a')
    size = fstatSync(fd).size
    return fd
  }

  function rotate() {
    if (fd !== undefined) closeSync(fd)
    fd = undefined
    if (maxFiles === 1) {
      unlinkSync(path)
      return
    }
    try {
      unlinkSync(`${path}.${maxFiles - 1}`)
    } catch {}
    for (let index = maxFiles - 2; index >= 1; index--) {
      try {
        renameSync(`${path}.${index}`, `${path}.${index + 1}`)
      } catch {}
    }
    renameSync(path, `${path}.1`)
  }

  function writeBuffered() {
    if (timer) {
      clearTimeout(timer)
      timer = undefined
    }
    if (buffered.length === 0) return
    const lines = buffered
    buffered = []
    let written = 0
    try {
      let handle = open()
      let chunk = ''
      let chunkBytes = 0
      let chunkLines = 0
      const writeChunk = () => {
        writeSync(handle, chunk)
        size += chunkBytes
        written += chunkLines
        chunk = ''
        chunkBytes = 0
        chunkLines = 0
      }
      for (const line of lines) {
        const text = `${line}\n`
        const bytes = Buffer.byteLength(text)
        // This line would take a non-empty file past maxBytes: it starts the next file.
        if (size + chunkBytes > 0 && size + chunkBytes + bytes > maxBytes) {
          if (chunkLines > 0) writeChunk()
          rotate()
          handle = open()
        }
        chunk += text
        chunkBytes += bytes
        chunkLines++
      }
      if (chunkLines > 0) writeChunk()
    } catch (error) {
      failedAttempts++
      const lost = lines.length - written
      dropped += lost
      warn(`could not write ${lost} events to ${path}: ${(error as Error).message}; dropped`)
      if (fd !== undefined) {
        try {
          closeSync(fd)
        } catch {}
        fd = undefined
      }
    }
    sent += written
  }

  return {
    write(events) {
      for (const event of events) buffered.push(JSON.stringify(event))
      if (!timer) {
        timer = setTimeout(() => {
          timer = undefined
          writeBuffered()
        }, flushIntervalMs)
        timer.unref?.()
      }
    },
    async flush() {
      writeBuffered()
    },
    flushSync: writeBuffered,
    stats: () => ({ sent, pending: buffered.length, dropped, failedAttempts }),
  }
}
