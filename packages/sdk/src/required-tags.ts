import { fileURLToPath } from 'node:url'
import { type Tags, UNATTRIBUTED } from './cost-event.js'
import { MissingTagsError } from './errors.js'

export interface TagPolicy {
  /** Tags every call must carry, e.g. `['feature', 'customer_id']`. */
  requiredTags: readonly string[]
  /**
   * `unattributed` (default): record the call with the value `unattributed` and warn once per call
   * site. `throw`: a MissingTagsError at the call site before anything is sent (for development and tests).
   */
  onMissingTags: 'throw' | 'unattributed'
}

// This package's folder: stack frames inside it are not the caller's call site.
const OWN_FOLDER = fileURLToPath(new URL('.', import.meta.url))

/** The first stack frame outside spendlens, e.g. `/app/src/chat.ts:42:17`. Only computed for a bad call. */
function callSite(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1)
  for (const line of lines) {
    if (line.includes(OWN_FOLDER) || line.includes('node:internal') || line.includes('node_modules/openai/'))
      continue
    if (line.includes('node_modules/@anthropic-ai/') || line.includes('node_modules/@google/genai/')) continue
    const match = /\(?([^()\s]+:\d+:\d+)\)?\s*$/.exec(line)
    if (match) return match[1] as string
  }
  return 'an unknown call site'
}

/**
 * Applies the required-tags policy to one call's merged tags. Returns them unchanged when
 * complete (the common case costs one loop), or with `unattributed` filled in; throws
 * MissingTagsError when the policy says so.
 */
export function applyTagPolicy(tags: Tags, policy: TagPolicy, warnOnce: (message: string) => void): Tags {
  let missing: string[] | undefined
  for (const key of policy.requiredTags) {
    const value = tags[key]
    if (value !== undefined && value !== null && value !== '') continue
    missing = missing ?? []
    missing.push(key)
  }
  if (!missing) return tags
  if (policy.onMissingTags === 'throw') throw new MissingTagsError(missing)
  warnOnce(
    `a call at ${callSite()} is missing required tags ${missing.join(', ')}; recorded as "${UNATTRIBUTED}"`,
  )
  const filled: Tags = { ...tags }
  for (const key of missing) filled[key] = UNATTRIBUTED
  return filled
}
