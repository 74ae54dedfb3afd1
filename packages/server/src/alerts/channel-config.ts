import { z } from 'zod'

/**
 * Where alerts go, as a configuration file and the API will both declare them: one zod schema, so
 * that the two cannot drift. Each channel has an id that routing rules and the delivery log name.
 */

/** A channel's id: short, and safe in a log line and a URL. */
export const CHANNEL_ID_SCHEMA = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
  message: 'a channel id is letters, digits and _ . - (at most 64), starting with a letter or digit',
})

const HTTP_URL = z.url({ protocol: /^https?$/, message: 'an http(s) URL' })

/** A Slack incoming webhook (https://api.slack.com/messaging/webhooks): the URL is the credential. */
export const SLACK_CHANNEL_SCHEMA = z.object({
  id: CHANNEL_ID_SCHEMA,
  kind: z.literal('slack'),
  url: HTTP_URL,
})

/**
 * Any HTTP endpoint, sent a JSON body signed with `secret` (alerts/webhook-signature.ts), so that
 * the receiver can tell spendlens's alerts from anyone else's POSTs.
 */
export const WEBHOOK_CHANNEL_SCHEMA = z.object({
  id: CHANNEL_ID_SCHEMA,
  kind: z.literal('webhook'),
  url: HTTP_URL,
  // Short secrets can be guessed offline from one signed body.
  secret: z.string().min(16, { message: 'a webhook secret has at least 16 characters' }),
})

/** Email through an SMTP server (nodemailer). `secure`: TLS from the start (port 465); otherwise STARTTLS when offered. */
export const EMAIL_CHANNEL_SCHEMA = z
  .object({
    id: CHANNEL_ID_SCHEMA,
    kind: z.literal('email'),
    host: z.string().min(1),
    port: z.int().min(1).max(65_535).default(587),
    secure: z.boolean().default(false),
    user: z.string().min(1).optional(),
    password: z.string().optional(),
    /** An address, or `Name <address>`. */
    from: z.string().min(1),
    to: z.array(z.string().min(1)).min(1),
  })
  .refine((channel) => (channel.user === undefined) === (channel.password === undefined), {
    message: 'user and password go together',
    path: ['password'],
  })

export const ALERT_CHANNEL_SCHEMA = z.discriminatedUnion('kind', [
  SLACK_CHANNEL_SCHEMA,
  WEBHOOK_CHANNEL_SCHEMA,
  EMAIL_CHANNEL_SCHEMA,
])

/** A channel as parsed (defaults filled in). */
export type AlertChannel = z.output<typeof ALERT_CHANNEL_SCHEMA>
export type SlackChannel = z.output<typeof SLACK_CHANNEL_SCHEMA>
export type WebhookChannel = z.output<typeof WEBHOOK_CHANNEL_SCHEMA>
export type EmailChannel = z.output<typeof EMAIL_CHANNEL_SCHEMA>
export type AlertChannelKind = AlertChannel['kind']
