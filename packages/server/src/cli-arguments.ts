import { InvalidArgumentError } from 'commander'

/** A UTC day on the command line (`YYYY-MM-DD`), as epoch milliseconds of its start. */
export function utcDay(value: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new InvalidArgumentError('expected a day as YYYY-MM-DD')
  return Date.parse(`${value}T00:00:00Z`)
}
