import { InvalidArgumentError } from 'commander'

/** A UTC day on the command line (`YYYY-MM-DD`), as epoch milliseconds of its start. */
export function utcDay(value: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new InvalidArgumentError('expected a day as YYYY-MM-DD')
  return Date.parse(`${value}T00:00:00Z`)
}

/** Where the CLI's commands find the store unless `--store` names one. */
export const DEFAULT_STORE = '.spendlens/spendlens.duckdb'
export const STORE_HELP = 'DuckDB file, chdb://<folder>, or clickhouse://user:password@host:8123/database'

/** A count on the command line: a whole number ≥ 1. */
export function positiveInteger(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1)
    throw new InvalidArgumentError('expected a whole number ≥ 1')
  return number
}

/** The port `spendlens serve` listens on when neither `--port`, `SPENDLENS_PORT` nor `PORT` names one. */
export const DEFAULT_PORT = 4600

/**
 * A TCP port on the command line or in an environment variable: a whole number from 0 to 65535,
 * 0 meaning any free port (the server prints the one it got), as tests and supervisors use it.
 */
export function portNumber(value: string): number {
  const port = Number(value)
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(port) || port < 0 || port > 65_535)
    throw new InvalidArgumentError('expected a port: a whole number from 0 (any free port) to 65535')
  return port
}

/**
 * The port a server on this machine is expected at, from the environment as `spendlens serve`
 * reads it: `SPENDLENS_PORT`, else `PORT` (what platforms such as Heroku or Render set), else 4600.
 * A bad value is an error naming its variable.
 */
export function portFromEnvironment(environment: NodeJS.ProcessEnv = process.env): number {
  for (const name of ['SPENDLENS_PORT', 'PORT'] as const) {
    const value = environment[name]
    if (value === undefined || value === '') continue
    try {
      return portNumber(value)
    } catch (error) {
      throw new InvalidArgumentError(`${name}=${JSON.stringify(value)}: ${(error as Error).message}`)
    }
  }
  return DEFAULT_PORT
}
