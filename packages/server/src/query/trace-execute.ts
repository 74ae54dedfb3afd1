import type { Execute } from './run-query.js'
import type { CompiledQuery } from './sql-builder.js'

/**
 * Wraps `execute` to record each statement with its stage: statements issued before any earlier
 * one answered share a stage (they ran side by side), a statement issued after k answers is in a
 * later stage (it waited for them). Replaying the stages in order, each stage's statements at
 * once, runs the same SQL with the same dependencies: the engine's own time for a query
 * (QueryInsight.trace, bench:store).
 */
export function tracing(execute: Execute): { execute: Execute; stages: CompiledQuery[][] } {
  const stages: CompiledQuery[][] = []
  /** The stage of the last issued statement, and whether any statement answered since. */
  let stage = -1
  let answeredSince = true
  const traced: Execute = async (compiled) => {
    if (answeredSince) {
      stage++
      answeredSince = false
      stages.push([])
    }
    ;(stages[stage] as CompiledQuery[]).push(compiled)
    try {
      return await execute(compiled)
    } finally {
      answeredSince = true
    }
  }
  return { execute: traced, stages }
}
