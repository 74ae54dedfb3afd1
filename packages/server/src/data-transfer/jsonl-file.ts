import { createReadStream, createWriteStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { LoggedEvent } from '../api/api-types.js'
import { decodeRecord } from './decode-record.js'
import type { SourceBatch } from './source-batch.js'

/** Reads a JSON Lines file in batches of `batchSize` non-blank lines, each item labelled with its line number. */
export async function* readJsonlFile(path: string, batchSize: number): AsyncGenerator<SourceBatch> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })
  let batch: SourceBatch = { items: [], labels: [] }
  let number = 0
  for await (const raw of lines) {
    number++
    // A byte order mark some editors put in front of the first line.
    const line = (number === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim()
    if (line.length === 0) continue
    let record: unknown
    try {
      record = JSON.parse(line)
    } catch {
      batch.items.push({ error: 'not valid JSON' })
      batch.labels.push(`line ${number}`)
      continue
    }
    batch.items.push(decodeRecord(record))
    batch.labels.push(`line ${number}`)
    if (batch.items.length >= batchSize) {
      yield batch
      batch = { items: [], labels: [] }
    }
  }
  if (batch.items.length > 0) yield batch
}

/**
 * Writes every batch as JSON Lines, one event per line (a CostEvent, with its recorded price when a
 * reprice changed it), pausing while the disk catches up.
 */
export async function writeJsonlFile(path: string, batches: AsyncIterable<LoggedEvent[]>): Promise<void> {
  async function* lines() {
    for await (const events of batches) {
      if (events.length > 0) yield `${events.map((event) => JSON.stringify(event)).join('\n')}\n`
    }
  }
  await pipeline(Readable.from(lines()), createWriteStream(path))
}
