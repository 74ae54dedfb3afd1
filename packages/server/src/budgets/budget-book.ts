import type { BudgetDefinition, BudgetSource } from '../api/api-types.js'
import { BUDGETS_TABLE, type BudgetRecord, definitionOf } from '../schema/budgets-table.js'
import type { Store } from '../store/store.js'
import type { FileBudget } from './budget-definition.js'
import { MAX_BUDGETS_PER_PROJECT } from './budget-definition.js'

/** A budget in force: its definition and where it comes from. */
export interface BookedBudget {
  project: string
  id: string
  definition: BudgetDefinition
  source: BudgetSource
  /** Set for budgets defined through the API. */
  changedAt: number | null
  changedBy: string | null
}

/** Why a change to the budgets was refused; the HTTP edge turns it into an answer. */
export class BudgetChangeError extends Error {
  constructor(
    readonly code: 'not_found' | 'defined_in_file' | 'too_many_budgets',
    message: string,
  ) {
    super(message)
    this.name = 'BudgetChangeError'
  }
}

/**
 * Every project's budgets: those of the server's budgets file, and those defined through the API
 * (stored, schema/budgets-table.ts), the API's winning over the file's with the same id. Read from
 * the store on each call, so that collectors sharing a ClickHouse store see each other's changes.
 */
export class BudgetBook {
  constructor(
    private readonly store: Store,
    private readonly file: readonly FileBudget[] = [],
    private readonly now: () => number = Date.now,
  ) {}

  /** The budgets in force in `project`, by id. */
  async list(project: string): Promise<BookedBudget[]> {
    return (await this.all()).filter((budget) => budget.project === project)
  }

  /** The projects that have budgets. */
  async projects(): Promise<string[]> {
    return [...new Set((await this.all()).map((budget) => budget.project))].sort()
  }

  /** Every budget in force, by project and id. */
  async all(): Promise<BookedBudget[]> {
    const byKey = new Map<string, BookedBudget>()
    for (const budget of this.file)
      byKey.set(`${budget.project}/${budget.id}`, {
        ...budget,
        source: 'file',
        changedAt: null,
        changedBy: null,
      })
    for (const record of await this.store.readRecords(BUDGETS_TABLE)) {
      const key = `${record.project}/${record.id}`
      if (record.deletedAt !== null) continue
      byKey.set(key, fromRecord(record))
    }
    return [...byKey.values()].sort((a, b) => a.project.localeCompare(b.project) || a.id.localeCompare(b.id))
  }

  /** Defines (or replaces) a budget through the API; a file budget with the id is overridden. */
  async put(
    project: string,
    id: string,
    definition: BudgetDefinition,
    changedBy: string,
  ): Promise<{ budget: BookedBudget; created: boolean }> {
    const current = await this.list(project)
    const existing = current.find((budget) => budget.id === id)
    if (!existing && current.length >= MAX_BUDGETS_PER_PROJECT)
      throw new BudgetChangeError(
        'too_many_budgets',
        `this project has ${current.length} budgets, the most it may have; delete one first`,
      )
    const record: BudgetRecord = {
      project,
      id,
      name: definition.name,
      filters: definition.filters,
      period: definition.period,
      timeZone: definition.timeZone,
      amountNanos: Math.round(definition.amountUsd * 1e9),
      thresholds: definition.thresholds,
      action: definition.action,
      channels: definition.channels,
      changedAt: this.now(),
      changedBy,
      deletedAt: null,
    }
    await this.store.writeRecords(BUDGETS_TABLE, [record])
    return { budget: fromRecord(record), created: existing === undefined }
  }

  /**
   * Deletes a budget defined through the API, answering the budget in force with that id
   * afterwards: the file's, when the file defines one, else none. A budget only the file defines
   * is changed in the file.
   */
  async remove(project: string, id: string, changedBy: string): Promise<BookedBudget | undefined> {
    const records = await this.store.readRecords(BUDGETS_TABLE)
    const record = records.find(
      (candidate) => candidate.project === project && candidate.id === id && candidate.deletedAt === null,
    )
    const fromFile = this.file.find((budget) => budget.project === project && budget.id === id)
    if (!record) {
      if (fromFile)
        throw new BudgetChangeError(
          'defined_in_file',
          `budget ${id} is defined in the server's budgets file; change it there (or override it with PUT)`,
        )
      throw new BudgetChangeError('not_found', `no budget ${JSON.stringify(id)} in this project`)
    }
    await this.store.writeRecords(BUDGETS_TABLE, [
      { ...record, changedAt: this.now(), changedBy, deletedAt: this.now() },
    ])
    return fromFile ? { ...fromFile, source: 'file', changedAt: null, changedBy: null } : undefined
  }
}

function fromRecord(record: BudgetRecord): BookedBudget {
  return {
    project: record.project,
    id: record.id,
    definition: definitionOf(record),
    source: 'api',
    changedAt: record.changedAt,
    changedBy: record.changedBy,
  }
}
