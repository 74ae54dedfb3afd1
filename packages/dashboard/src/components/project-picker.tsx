import { DEFAULT_PROJECT } from '../lib/session'

export interface ProjectPickerProps {
  /** The projects the credential sees. */
  projects: readonly string[]
  /** The one the dashboard shows. */
  current: string
  onChange: (project: string) => void
}

/**
 * Which project the figures are of: a menu when the credential sees several; the name alone when it
 * sees one other than `default` (so nobody mistakes one project's spend for the whole server's);
 * nothing on a server that has only the default project.
 */
export function ProjectPicker({ projects, current, onChange }: ProjectPickerProps) {
  if (projects.length > 1)
    return (
      <label className="project-picker field-inline">
        <span>Project</span>
        <select
          value={current}
          onChange={(event) => onChange(event.target.value)}
          data-testid="project-picker"
        >
          {projects.map((project) => (
            <option key={project} value={project}>
              {project}
            </option>
          ))}
        </select>
      </label>
    )
  if (current === DEFAULT_PROJECT) return null
  return (
    <span className="project-name" data-testid="project-name" title="The project these figures are of">
      <span className="muted">project</span> {current}
    </span>
  )
}
