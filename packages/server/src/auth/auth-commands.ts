import { createInterface } from 'node:readline'
import { type Command, InvalidArgumentError } from 'commander'
import { isRole, ROLES, type Role } from '../schema/keys-table.js'
import { DEFAULT_PROJECT } from '../schema/projects.js'
import { openStore } from '../store/open-store.js'
import { Credentials } from './credentials.js'

interface StoreOption {
  store: string
}

function role(value: string): Role {
  if (!isRole(value)) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`)
  return value
}

async function withCredentials<T>(
  location: string,
  work: (credentials: Credentials) => Promise<T>,
): Promise<T> {
  const store = await openStore(location).catch((error: Error) => {
    // A DuckDB file is held by the server running on it.
    if (/in use by another spendlens process/.test(error.message))
      throw new Error(
        `${error.message} To manage keys while it runs, use its API with an admin key (POST /api/keys, DELETE /api/keys/<id>: docs/api.md).`,
      )
    throw error
  })
  try {
    const credentials = await Credentials.open(store, { refresh: false })
    try {
      return await work(credentials)
    } finally {
      await credentials.close()
    }
  } finally {
    await store.close()
  }
}

const time = (ms: number | null) =>
  ms === null ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ')

/** A password from the terminal (not echoed), or the first line of standard input. */
async function readPassword(prompt: string): Promise<string> {
  const input = process.stdin
  const lines = createInterface({
    input,
    output: input.isTTY ? process.stderr : undefined,
    terminal: input.isTTY,
  })
  if (input.isTTY) {
    process.stderr.write(prompt)
    // Nothing typed is echoed.
    ;(lines as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => undefined
  }
  try {
    for await (const line of lines) return line
    return ''
  } finally {
    if (input.isTTY) process.stderr.write('\n')
    lines.close()
  }
}

/**
 * `spendlens keys …` and `spendlens users …`: API keys and dashboard users, written straight into
 * the store (a running DuckDB server holds its file: stop it first, or use the API's /api/keys).
 */
export function registerAuthCommands(program: Command, store: { default: string; help: string }): void {
  const keys = program.command('keys').description('API keys: ingest, read or admin, per project')

  keys
    .command('create')
    .description('make a key; it is printed once, alone on the last line (only its hash is stored)')
    .option('--store <location>', store.help, store.default)
    .option('--project <name>', 'the project the key belongs to', DEFAULT_PROJECT)
    .requiredOption(
      '--role <role>',
      `${ROLES.join(' | ')}: send events; query and see the dashboard; also manage keys`,
      role,
    )
    .option('--name <label>', 'where the key is used (shown in lists)', '')
    .action(async (options: StoreOption & { project: string; role: Role; name: string }) => {
      const { key, record } = await withCredentials(options.store, (credentials) =>
        credentials.createKey({ project: options.project, role: options.role, name: options.name }),
      )
      console.log(
        `Made ${record.role} key ${record.id} for project ${record.project}. It is shown only now: keep it secret.`,
      )
      console.log(key)
    })

  keys
    .command('list')
    .description('every key: id, project, role, name, created, last used, revoked')
    .option('--store <location>', store.help, store.default)
    .option('--project <name>', 'only this project')
    .action(async (options: StoreOption & { project?: string }) => {
      const list = await withCredentials(options.store, async (credentials) => credentials.listKeys())
      const rows = list.filter((key) => !options.project || key.project === options.project)
      console.log(['id', 'project', 'role', 'name', 'created', 'last used', 'revoked'].join('\t'))
      for (const key of rows)
        console.log(
          [
            key.id,
            key.project,
            key.role,
            key.name || '-',
            time(key.createdAt),
            time(key.lastUsedAt),
            time(key.revokedAt),
          ].join('\t'),
        )
    })

  keys
    .command('revoke')
    .description(
      'revoke a key by its id (the part after sl_); a running server refuses it at once or within 30 s',
    )
    .argument('<id>', 'the key id')
    .option('--store <location>', store.help, store.default)
    .action(async (id: string, options: StoreOption) => {
      const revoked = await withCredentials(options.store, (credentials) => credentials.revokeKey(id))
      if (!revoked) throw new Error(`no key ${id}`)
      console.log(`Revoked key ${revoked.id} (${revoked.role}, project ${revoked.project}).`)
    })

  const users = program.command('users').description('dashboard users, who sign in with a name and password')

  users
    .command('create')
    .description('make a user; the password is read from the terminal or standard input')
    .argument('<name>', 'the user name')
    .option('--store <location>', store.help, store.default)
    .option('--role <role>', 'read | admin', 'read')
    .option('--projects <names>', 'projects the user sees, comma-separated, or * for all', DEFAULT_PROJECT)
    .action(async (name: string, options: StoreOption & { role: string; projects: string }) => {
      if (options.role !== 'read' && options.role !== 'admin')
        throw new InvalidArgumentError('a user is read or admin')
      const password = await readPassword(`Password for ${name}: `)
      const user = await withCredentials(options.store, (credentials) =>
        credentials.createUser({
          name,
          password,
          role: options.role as 'read' | 'admin',
          projects: options.projects.split(',').map((project) => project.trim()),
        }),
      )
      console.log(`Made ${user.role} user ${user.name} for ${user.projects.join(', ')}.`)
    })

  users
    .command('list')
    .description('every user: name, role, projects, created, disabled')
    .option('--store <location>', store.help, store.default)
    .action(async (options: StoreOption) => {
      const list = await withCredentials(options.store, async (credentials) => credentials.listUsers())
      console.log(['name', 'role', 'projects', 'created', 'disabled'].join('\t'))
      for (const user of list)
        console.log(
          [user.name, user.role, user.projects.join(','), time(user.createdAt), time(user.disabledAt)].join(
            '\t',
          ),
        )
    })

  users
    .command('disable')
    .description('stop a user signing in; their sessions end at once on this server')
    .argument('<name>', 'the user name')
    .option('--store <location>', store.help, store.default)
    .action(async (name: string, options: StoreOption) => {
      const user = await withCredentials(options.store, (credentials) => credentials.disableUser(name))
      if (!user) throw new Error(`no user ${name}`)
      console.log(`Disabled user ${user.name}.`)
    })
}
