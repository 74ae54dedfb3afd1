/**
 * A project keeps one app's, team's or environment's events, keys and settings apart from the
 * others on a shared server. The default project is the one a server without keys writes to and
 * reads from: the zero-setup start.
 */
export { DEFAULT_PROJECT } from '../api/api-types.js'

/** Lowercase letters, digits, `-` and `_`, starting with a letter or digit; at most 63 characters. */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/

export function isProjectName(name: string): boolean {
  return PROJECT_NAME.test(name)
}

export function checkProjectName(name: string): string {
  if (!isProjectName(name))
    throw new Error(
      `${JSON.stringify(name)} is not a project name: lowercase letters, digits, - and _, starting with a letter or digit, at most 63 characters`,
    )
  return name
}
