const MARKER = Symbol.for('spendlens.error')

/**
 * Base of the errors spendlens throws on purpose (misuse found at the call site, bad config).
 * `SpendlensError.isInstance(error)` works across copies of the package.
 */
export class SpendlensError extends Error {
  readonly [MARKER] = true

  static isInstance(error: unknown): error is SpendlensError {
    return typeof error === 'object' && error !== null && MARKER in error
  }
}

/** A call lacked tags the tracker requires (`requiredTags` with `onMissingTags: 'throw'`). Nothing was sent. */
export class MissingTagsError extends SpendlensError {
  constructor(readonly missing: string[]) {
    super(
      `spendlens: this call is missing required tags: ${missing.join(', ')}. Set them with wrap(), withTags() or tagCall().`,
    )
    this.name = 'MissingTagsError'
  }
}
