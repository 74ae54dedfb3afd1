import type { DuckDBConnection } from '@duckdb/node-api'
import { ROLLUP_TABLES } from '../../query/rollup-tables.js'
import { eventIdentity, projectFromStored } from '../../schema/projects.js'
import { createMutex } from '../mutex.js'
import type { AppendResult, AppendStatus } from '../store.js'
import { type EncodedEvents, selectEncoded } from './encode-columns.js'
import type { EventIdIndex } from './event-id-index.js'
import type { RollupHours } from './rollup-hours.js'
import { contributionSql, stagingContributionSql } from './rollup-writer.js'
import {
  EVENTS_COLUMN_LIST,
  insertSelect,
  STAGING_ROLLUP_SELECT,
  stagingTable,
  writeStaging,
} from './staging.js'
import { runTransaction } from './transactions.js'

/**
 * Staging tables, one per batch between prepare and commit: as many as the IngestBuffer hands the
 * store at once (its `inFlight`), so that every batch it sends can be prepared while earlier ones
 * commit.
 */
const PIPELINE_SLOTS = 4

/** A batch between its two stages. */
interface Staged {
  statuses: AppendStatus[]
  slot: number
  /**
   * The identity (event_id within its project) and ts (epoch ms) of each event to store (not the
   * events: they can go).
   */
  eventIds: string[]
  times: Float64Array
  /** Hashes of the ids whose stored version this batch replaces. */
  replaced: number[]
  nullMarker: string
  /** failedCommits when prepared: a commit that failed since then fails this batch too. */
  failedCommitsSeen: number
  /** event_id → ts of `rows`, built when a later batch asks. */
  lookup?: Map<string, number>
}

/**
 * The DuckDB store's append path. An append has two stages. Prepare (JavaScript, on `stager`):
 * decide each event's status against the id index and write the rows to be stored into a staging
 * table. Commit (`writer`, off the JavaScript thread): one transaction moves them into `events`
 * and the rollups. Prepares run one at a time, commits run one at a time, in the same order, and
 * the prepare of one batch overlaps the commits of the ones before it: with several appends in
 * flight, JavaScript and DuckDB work side by side instead of waiting for each other.
 *
 * A batch is prepared before the previous ones have committed, so its statuses take them into
 * account through `pending` (the versions staged but not yet committed). If a commit fails, every
 * batch prepared after it fails too, since its statuses may rest on the failed one.
 */
export class AppendPipeline {
  private readonly prepareLock = createMutex()
  private readonly commitLock = createMutex()
  /** Batches prepared and not yet committed, oldest first. */
  private readonly pending: Staged[] = []
  /** Resolves when each slot's staging table has been committed and can be refilled. */
  private readonly slotFree: Promise<unknown>[] = Array.from({ length: PIPELINE_SLOTS }, () =>
    Promise.resolve(),
  )
  private flushes = 0
  private failedCommits = 0
  /** Why the last failed commit failed: the cause of the batches failed after it. */
  private lastFailure: unknown

  constructor(
    private readonly writer: DuckDBConnection,
    private readonly stager: DuckDBConnection,
    /** Loaded in the background when the store opens (duckdb-store.ts): the first append waits for it. */
    private readonly idsLoading: Promise<EventIdIndex>,
    private readonly hours: RollupHours,
  ) {}

  /** Stores a batch: each event_id once, the latest ts winning (Store.append). */
  async append(batch: EncodedEvents): Promise<AppendResult> {
    let committed: Promise<void> | undefined
    const prepared = await this.prepareLock(async () => {
      const staged = await this.prepare(batch)
      // Queued while the prepare lock is held, so commits keep the order of prepares.
      committed = this.commitLock(() => this.commit(staged))
      this.slotFree[staged.slot] = committed.catch(() => undefined)
      return staged
    })
    await committed
    return { statuses: prepared.statuses }
  }

  /** Runs `work` with no append in either stage (retention, meta, compaction, close). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.prepareLock(() => this.commitLock(work))
  }

  /** The version (epoch ms) of `eventId` a batch still committing stages, if any: the newest wins. */
  private pendingVersion(eventId: string, batches: readonly Staged[]): number | undefined {
    for (let index = batches.length - 1; index >= 0; index--) {
      const batch = batches[index] as Staged
      // Built the first time a later batch needs it, which is rare: ids are mostly new.
      batch.lookup ??= new Map(
        batch.eventIds.map((eventId, position) => [eventId, batch.times[position] as number]),
      )
      const ts = batch.lookup.get(eventId)
      if (ts !== undefined) return ts
    }
    return undefined
  }

  /** The committed version (epoch ms) of each id among `candidates` that is in the events table. */
  private async storedVersions(
    candidates: { eventId: string; hash: number }[],
  ): Promise<Map<string, number>> {
    // The hashes are numbers computed here, never input: safe to inline, and an IN list of
    // constants is pushed into the scan, so only id_hash is read for rows that do not match.
    const hashes = [...new Set(candidates.map((candidate) => candidate.hash))].join(', ')
    const reader = await this.stager.runAndReadAll(
      `SELECT event_id, project, epoch_ms(ts) AS ts_ms FROM events WHERE id_hash IN (${hashes})`,
    )
    const wanted = new Set(candidates.map((candidate) => candidate.eventId))
    const stored = new Map<string, number>()
    for (const row of reader.getRowObjects()) {
      const identity = eventIdentity(projectFromStored(row.project as string | null), String(row.event_id))
      if (wanted.has(identity)) stored.set(identity, Number(row.ts_ms))
    }
    return stored
  }

  private async prepare(batch: EncodedEvents): Promise<Staged> {
    const ids = await this.idsLoading
    const statuses: AppendStatus[] = new Array(batch.rows).fill('duplicate')
    const failedCommitsSeen = this.failedCommits
    const { times, hashes } = batch
    // Events are one by their identity: the event_id within its project (schema/projects.ts).
    const eventIds = batch.identities ?? batch.eventIds
    // Within the batch, the latest ts of each event_id is the candidate (the first of equals).
    const candidate = new Map<string, number>()
    for (let index = 0; index < batch.rows; index++) {
      const eventId = eventIds[index] as string
      const current = candidate.get(eventId)
      if (current === undefined || (times[index] as number) > (times[current] as number))
        candidate.set(eventId, index)
    }
    const staged: number[] = []
    const maybeStored: { index: number; eventId: string; hash: number }[] = []
    for (const [eventId, index] of candidate) {
      const hash = hashes[index] as number
      if (ids.has(hash)) maybeStored.push({ index, eventId, hash })
      else {
        staged.push(index)
        statuses[index] = 'inserted'
      }
    }
    // Ids the index may hold: look them up; a newer version replaces the stored one.
    const replaced: number[] = []
    if (maybeStored.length > 0) {
      // The batches still committing when the lookup starts. One of them may commit while the lookup
      // runs, after the lookup's snapshot was taken: its version is then in neither the answer nor
      // `pending`, so it is looked up in this copy. A batch missing from the copy committed before
      // the lookup began, and the lookup sees it.
      const inFlight = [...this.pending]
      const committed = await this.storedVersions(maybeStored)
      for (const { index, eventId, hash } of maybeStored) {
        // A version staged by a batch still committing is newer than the committed one.
        const storedTs = this.pendingVersion(eventId, inFlight) ?? committed.get(eventId)
        const ts = times[index] as number
        if (storedTs !== undefined && ts <= storedTs) continue
        staged.push(index)
        statuses[index] = storedTs === undefined ? 'inserted' : 'replaced'
        if (storedTs !== undefined) {
          replaced.push(hash)
          this.hours.touch(storedTs)
        }
      }
    }
    const slot = this.flushes++ % PIPELINE_SLOTS
    const rows = selectEncoded(batch, staged)
    const prepared: Staged = {
      statuses,
      slot,
      eventIds: rows.identities ?? rows.eventIds,
      times: rows.times,
      replaced,
      nullMarker: '',
      failedCommitsSeen,
    }
    if (rows.rows === 0) return prepared
    // The slot's table is free once the batch that filled it, PIPELINE_SLOTS flushes ago, has committed.
    await this.slotFree[slot]
    prepared.nullMarker = await writeStaging(this.stager, slot, rows)
    for (const hash of rows.hashes) ids.add(hash)
    this.pending.push(prepared)
    return prepared
  }

  private async commit(prepared: Staged): Promise<void> {
    const { slot, eventIds, times, replaced, nullMarker } = prepared
    const table = stagingTable(slot)
    try {
      if (this.failedCommits !== prepared.failedCommitsSeen)
        throw new Error(
          'an earlier batch could not be stored, so this one was not stored either; send it again',
          { cause: this.lastFailure },
        )
      if (eventIds.length === 0) return
      // One query string, no parameters: DuckDB runs every statement of it in one call off the
      // JavaScript thread, where separate statements would each wait for the event loop between
      // them. The null marker is our own string, safe as a literal.
      const statements: string[] = []
      if (replaced.length > 0) {
        // The stored versions being replaced: their ids are staged, their hashes listed. A hash is of
        // the id within its project, so another project's event of the same id is not among them.
        const old = `FROM events WHERE id_hash IN (${replaced.join(', ')}) AND event_id IN (SELECT event_id FROM ${table})`
        for (const rollupTable of ROLLUP_TABLES)
          statements.push(contributionSql(rollupTable, `SELECT * ${old}`, -1))
        statements.push(`DELETE ${old}`)
      }
      const marker = `'${nullMarker}'`
      statements.push(
        `INSERT INTO events (${EVENTS_COLUMN_LIST}) SELECT ${insertSelect(marker)} FROM ${table}`,
        ...ROLLUP_TABLES.map((rollupTable) =>
          stagingContributionSql(rollupTable, `SELECT ${STAGING_ROLLUP_SELECT} FROM ${table}`, marker),
        ),
      )
      await runTransaction(this.writer, statements)
      for (const time of times) this.hours.touch(time)
      // Copied: the staging table would otherwise hold its batch in memory until the slot's next
      // flush, up to PIPELINE_SLOTS batches for good after a large load (68 MB after the demo's).
      await this.writer.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined)
    } catch (error) {
      this.failedCommits++
      this.lastFailure = error
      throw error
    } finally {
      const position = this.pending.indexOf(prepared)
      if (position !== -1) this.pending.splice(position, 1)
    }
    // The batch is stored. Folding the rollup's partial rows only saves space and time: if it fails
    // (a full disk), the batch stays acknowledged and its hours are folded at a later compaction.
    await this.hours.afterBatch().catch(() => undefined)
  }
}
