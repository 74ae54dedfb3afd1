import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { DIGEST_SCHEMA } from '../report/weekly-digest.js'
import { ALERT_CHANNEL_SCHEMA } from './channel-config.js'
import { ALERT_RULE_SCHEMA } from './route.js'

/**
 * The alerts section of a configuration (file or API): channels, the rules that route anomalies to
 * them, and where the dashboard is, for the links in messages. Checked whole: a rule naming a
 * channel that does not exist is refused when the configuration is read, not discovered when the
 * first anomaly finds nowhere to go.
 */
export const ALERTS_CONFIG_SCHEMA = z
  .object({
    channels: z.array(ALERT_CHANNEL_SCHEMA),
    rules: z.array(ALERT_RULE_SCHEMA),
    /** The dashboard's address as people open it (`https://spend.example.com`), for links in messages. */
    dashboardUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** How long anomalies for one channel are gathered into one message (alerts/alert-queue.ts). */
    windowMs: z.int().min(0).max(3_600_000).optional(),
    /** The weekly digest: last week's spend report, to these channels (report/weekly-digest.ts). */
    digest: DIGEST_SCHEMA.optional(),
  })
  .superRefine((config, context) => {
    const ids = new Set<string>()
    config.channels.forEach((channel, index) => {
      if (ids.has(channel.id))
        context.addIssue({
          code: 'custom',
          path: ['channels', index, 'id'],
          message: `channel ${channel.id} twice`,
        })
      ids.add(channel.id)
    })
    config.digest?.channels?.forEach((channel, position) => {
      if (!ids.has(channel))
        context.addIssue({
          code: 'custom',
          path: ['digest', 'channels', position],
          message: `no channel ${channel}`,
        })
    })
    config.rules.forEach((rule, index) => {
      rule.channels.forEach((channel, position) => {
        if (!ids.has(channel))
          context.addIssue({
            code: 'custom',
            path: ['rules', index, 'channels', position],
            message: `no channel ${channel}`,
          })
      })
    })
  })

export type AlertsConfig = z.output<typeof ALERTS_CONFIG_SCHEMA>

/** Reads and checks an alerts file (`spendlens serve --alerts <file>`): every problem named, with its path. */
export async function readAlertsConfig(path: string): Promise<AlertsConfig> {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`)
  }
  const parsed = ALERTS_CONFIG_SCHEMA.safeParse(raw)
  if (!parsed.success)
    throw new Error(
      `${path}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    )
  return parsed.data
}
