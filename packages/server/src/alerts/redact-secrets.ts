import { ALERTS_CONFIG_SCHEMA, type AlertsConfig } from './alerts-config.js'
import type { AlertChannel, AlertChannelKind } from './channel-config.js'

/**
 * What the API shows in place of a secret, and what a client sends back to keep the stored one:
 * a client can GET a configuration, change a rule and PUT it whole without ever holding a secret.
 */
export const REDACTED = '[redacted]'

type FieldOf<K extends AlertChannelKind> = keyof Extract<AlertChannel, { kind: K }> & string

/**
 * The fields of each channel kind that are credentials: a Slack incoming-webhook URL is one by
 * itself (whoever has it posts into the channel), a webhook's signing secret, an SMTP password.
 */
const SECRET_FIELDS: { [K in AlertChannelKind]: readonly FieldOf<K>[] } = {
  slack: ['url'],
  webhook: ['secret'],
  email: ['password'],
}

/**
 * Where each kind sends its secret. A stored secret is kept only while these stay as they were:
 * otherwise anyone allowed to edit the configuration could point an email channel's host at a
 * server of their own and receive the stored password in the SMTP login, or a webhook's URL at
 * one that collects signatures. A Slack URL is its own destination.
 */
const DESTINATION_FIELDS: { [K in AlertChannelKind]: readonly FieldOf<K>[] } = {
  slack: [],
  webhook: ['url'],
  email: ['host', 'port', 'secure', 'user'],
}

type Fields = Record<string, unknown>

const secretFieldsOf = (kind: unknown): readonly string[] =>
  typeof kind === 'string' && Object.hasOwn(SECRET_FIELDS, kind)
    ? SECRET_FIELDS[kind as AlertChannelKind]
    : []

/** A configuration fit to show: every secret replaced with REDACTED. */
export function redactSecrets(config: AlertsConfig): AlertsConfig {
  return {
    ...config,
    channels: config.channels.map((channel) => {
      const copy: Fields = { ...channel }
      for (const field of secretFieldsOf(channel.kind))
        if (typeof copy[field] === 'string') copy[field] = REDACTED
      return copy as AlertChannel
    }),
  }
}

/** One problem with a configuration: where (`['channels', 0, 'secret']`) and what. */
export interface ConfigIssue {
  path: (string | number)[]
  message: string
}

export type EditedConfig = { success: true; config: AlertsConfig } | { success: false; issues: ConfigIssue[] }

/**
 * Checks a whole configuration sent to replace `current` (ALERTS_CONFIG_SCHEMA, every problem with
 * its path). A secret given as REDACTED keeps the secret `current` has for the channel of the same
 * id and kind, as long as that channel's destination is unchanged (DESTINATION_FIELDS); REDACTED
 * where `current` has nothing to keep is a problem, never a secret.
 */
export function parseEditedConfig(raw: unknown, current: AlertsConfig | undefined): EditedConfig {
  const issues: ConfigIssue[] = []
  const kept: { index: number; field: string; stored: AlertChannel }[] = []
  let value = raw
  if (isFields(raw) && Array.isArray(raw.channels)) {
    const channels = raw.channels.map((channel: unknown, index) => {
      if (!isFields(channel)) return channel
      const copy: Fields = { ...channel }
      for (const field of secretFieldsOf(channel.kind)) {
        if (channel[field] !== REDACTED) continue
        const stored = current?.channels.find(
          (candidate) => candidate.id === channel.id && candidate.kind === channel.kind,
        )
        const secret = stored && (stored as Fields)[field]
        if (stored && typeof secret === 'string') {
          copy[field] = secret
          kept.push({ index, field, stored })
        } else
          issues.push({
            path: ['channels', index, field],
            message: `${REDACTED} keeps a stored ${field}, and no ${String(channel.kind)} channel ${JSON.stringify(channel.id)} has one: send the ${field} itself`,
          })
      }
      return copy
    })
    value = { ...raw, channels }
  }
  const parsed = ALERTS_CONFIG_SCHEMA.safeParse(value)
  if (!parsed.success) {
    // A REDACTED left in place fails the schema too (a Slack URL that is not one): say it once.
    const named = new Set(issues.map((issue) => issue.path.join('.')))
    for (const issue of parsed.error.issues)
      if (!named.has(issue.path.join('.')))
        issues.push({
          path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
          message: issue.message,
        })
    return { success: false, issues }
  }
  for (const { index, field, stored } of kept) {
    const channel = parsed.data.channels[index] as AlertChannel
    const destination = DESTINATION_FIELDS[stored.kind] as readonly string[]
    const moved = destination.filter((name) => (channel as Fields)[name] !== (stored as Fields)[name])
    if (moved.length > 0)
      issues.push({
        path: ['channels', index, field],
        message: `${REDACTED} cannot keep the stored ${field}: the channel's ${moved.join(' and ')} changed, and a stored ${field} goes only where it went before; send the ${field} itself`,
      })
  }
  return issues.length > 0 ? { success: false, issues } : { success: true, config: parsed.data }
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
