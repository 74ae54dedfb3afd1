/**
 * A project keeps one app's, team's or environment's events, keys and settings apart from the
 * others on a shared server. The default project is the one a server without keys writes to and
 * reads from: the zero-setup start.
 */
import { DEFAULT_PROJECT } from '../api/api-types.js'

export { DEFAULT_PROJECT }

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

/**
 * A project as the events and rollup tables hold it: the default project as the empty string, which
 * is what rows stored before projects existed hold (ClickHouse gives a column it adds to a sorting
 * key no default but the empty string), so none of them had to be rewritten.
 */
export const storedProject = (project: string): string => (project === DEFAULT_PROJECT ? '' : project)

/** A project from its stored form (null in a DuckDB row stored before projects). */
export const projectFromStored = (stored: string | null | undefined): string =>
  stored ? stored : DEFAULT_PROJECT

/**
 * What makes an event one event: its event_id within its project. The same event_id in two projects
 * is two events, so one project can neither replace nor hide another's. In the default project the
 * identity is the event_id itself (no string is built for it).
 */
export function eventIdentity(project: string, eventId: string): string {
  return project === DEFAULT_PROJECT ? eventId : `${project}\u0000${eventId}`
}
