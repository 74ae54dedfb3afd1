import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { CHANNEL_ID_SCHEMA } from '../alerts/channel-config.js'
import {
  BUDGET_ACTIONS,
  BUDGET_PERIODS,
  type BudgetDefinition,
  DEFAULT_BUDGET_THRESHOLDS,
  isBudgetDimension,
  isDimension,
} from '../api/api-types.js'
import { filtersSchema, timeZoneSchema } from '../query/analytics-query.js'
import { DEFAULT_PROJECT, isProjectName } from '../schema/projects.js'

/** A budget's id: short, safe in a URL, a log line and an alert id. */
export const BUDGET_ID_SCHEMA = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
  message: 'a budget id is letters, digits and _ . - (at most 64), starting with a letter or digit',
})

/**
 * The most one budget may allow: far above any period's LLM bill, and below the point where its
 * nano-dollars stop being exact in a JavaScript number ($9 million) by a margin that keeps sums sane.
 */
export const MAX_BUDGET_USD = 1_000_000_000

/** Budgets one project may hold, file and API together: the SDK checks them before every call. */
export const MAX_BUDGETS_PER_PROJECT = 1000

/**
 * A budget's definition, as `PUT /api/budgets/:id` takes it and the budgets file holds it. Its
 * scope is the query model's filters (the same checks and caps as `POST /api/query`), within the
 * project the request acts on. Every problem is reported with its path.
 */
export const BUDGET_DEFINITION_SCHEMA = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    filters: filtersSchema.superRefine((filters, context) => {
      filters.forEach((filter, index) => {
        if (isDimension(filter.dimension) && !isBudgetDimension(filter.dimension))
          context.addIssue({
            code: 'custom',
            path: [index, 'dimension'],
            message: `a budget cannot be scoped by ${filter.dimension}: it is known only once a call is priced`,
          })
      })
    }),
    period: z.enum(BUDGET_PERIODS),
    timeZone: timeZoneSchema,
    amountUsd: z
      .number()
      .positive({ message: 'an amount is more than $0' })
      .max(MAX_BUDGET_USD, { message: `an amount is at most $${MAX_BUDGET_USD.toLocaleString('en-US')}` }),
    thresholds: z
      .array(
        z.number().gt(0, { message: 'a threshold is a share of the amount above 0 (0.8 for 80%)' }).max(10),
      )
      .max(10)
      .default([...DEFAULT_BUDGET_THRESHOLDS])
      .transform((thresholds) => [...new Set(thresholds)].sort((a, b) => a - b)),
    action: z.enum(BUDGET_ACTIONS).default('alert'),
    channels: z.array(CHANNEL_ID_SCHEMA).max(20).default([]),
  })
  .strict()

export type BudgetInput = z.input<typeof BUDGET_DEFINITION_SCHEMA>

/** A parsed definition with its name filled in. */
export function toDefinition(
  id: string,
  parsed: z.output<typeof BUDGET_DEFINITION_SCHEMA>,
): BudgetDefinition {
  return { ...parsed, name: parsed.name ?? id }
}

/** One budget of the budgets file: a definition, its id, and its project (default: the default project). */
const FILE_BUDGET_SCHEMA = BUDGET_DEFINITION_SCHEMA.extend({
  id: BUDGET_ID_SCHEMA,
  project: z
    .string()
    .refine(isProjectName, { message: 'a project name is lowercase letters, digits, - and _' })
    .default(DEFAULT_PROJECT),
})

/**
 * The budgets file (`spendlens serve --budgets <file>`): `{ "budgets": [ … ] }`, checked whole,
 * an id given twice in one project refused.
 */
export const BUDGETS_FILE_SCHEMA = z
  .object({ budgets: z.array(FILE_BUDGET_SCHEMA) })
  .strict()
  .superRefine((file, context) => {
    const seen = new Set<string>()
    const perProject = new Map<string, number>()
    file.budgets.forEach((budget, index) => {
      const key = `${budget.project}/${budget.id}`
      if (seen.has(key))
        context.addIssue({
          code: 'custom',
          path: ['budgets', index, 'id'],
          message: `budget ${budget.id} twice in project ${budget.project}`,
        })
      seen.add(key)
      perProject.set(budget.project, (perProject.get(budget.project) ?? 0) + 1)
    })
    for (const [project, count] of perProject)
      if (count > MAX_BUDGETS_PER_PROJECT)
        context.addIssue({
          code: 'custom',
          path: ['budgets'],
          message: `project ${project} has ${count} budgets; at most ${MAX_BUDGETS_PER_PROJECT}`,
        })
  })

/** A budget from the file: its definition, id and project. */
export interface FileBudget {
  project: string
  id: string
  definition: BudgetDefinition
}

/** `path: message` for each problem, as every config error of the server reads. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): { path: string; message: string }[] {
  return issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
}

/** Reads and checks a budgets file: the server refuses to start on a bad one, naming every problem and its path. */
export async function readBudgetsFile(path: string): Promise<FileBudget[]> {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`)
  }
  return parseBudgetsFile(raw, path)
}

export function parseBudgetsFile(raw: unknown, source = 'budgets'): FileBudget[] {
  const parsed = BUDGETS_FILE_SCHEMA.safeParse(raw)
  if (!parsed.success)
    throw new Error(
      `${source}: ${describeIssues(parsed.error.issues)
        .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
        .join('; ')}`,
    )
  return parsed.data.budgets.map(({ id, project, ...definition }) => ({
    project,
    id,
    definition: toDefinition(id, definition),
  }))
}
