import { retryAfterMs } from '../invoice/admin-http.js'
import { SERVER_VERSION } from '../version.js'
import { type AlertMessage, type RenderOptions, webhookBody } from './alert-message.js'
import type { AlertChannel, EmailChannel } from './channel-config.js'
import { emailMessage } from './email-message.js'
import { slackMessage } from './slack-message.js'
import { DELIVERY_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './webhook-signature.js'

/**
 * How one try at a channel ended: delivered, or why not and whether another try can help.
 * `retryAfterMs` is the receiver's own wish (HTTP 429 Retry-After).
 */
export type AttemptOutcome =
  | { ok: true }
  | { ok: false; retry: boolean; error: string; retryAfterMs?: number }

export interface AttemptContext {
  /** The same on every try of one message, so that receivers can drop repeats. */
  deliveryId: string
  /** A try that takes longer is abandoned and counted as a network failure (retried). */
  timeoutMs: number
  render: RenderOptions
}

/** One try at delivering `message` to `channel`. Never throws. */
export async function attemptDelivery(
  channel: AlertChannel,
  message: AlertMessage,
  context: AttemptContext,
): Promise<AttemptOutcome> {
  switch (channel.kind) {
    case 'slack':
      return post(channel.url, JSON.stringify(slackMessage(message, context.render)), {}, context.timeoutMs)
    case 'webhook': {
      const body = JSON.stringify(webhookBody(message))
      const timestamp = Math.floor(Date.now() / 1000)
      return post(
        channel.url,
        body,
        {
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(channel.secret, timestamp, body),
          [DELIVERY_HEADER]: context.deliveryId,
        },
        context.timeoutMs,
      )
    }
    case 'email':
      return sendEmail(channel, message, context)
  }
}

/**
 * HTTP: 2xx delivered; 429 and 5xx retried (429 after its Retry-After); any other 4xx is the
 * channel's configuration (a revoked Slack hook answers 403/404/410, a bad payload 400) and
 * another try would only repeat it. Network failures and timeouts are retried.
 */
async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<AttemptOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': `spendlens/${SERVER_VERSION}`,
        ...headers,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    })
    // Read (and so release) the body either way; a failure's first words say why.
    const text = await response.text().catch(() => '')
    if (response.ok) return { ok: true }
    const error = `${response.status}${text ? ` (${oneLine(text)})` : ''}`
    if (response.status === 429)
      return {
        ok: false,
        retry: true,
        error,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
      }
    return { ok: false, retry: response.status >= 500, error }
  } catch (error) {
    return { ok: false, retry: true, error: `network error: ${describe(error)}` }
  }
}

/**
 * SMTP: a reply code 4xx is temporary by the protocol's own definition (RFC 5321: mailbox busy,
 * greylisting, too many connections) and is retried; 5xx is permanent (bad recipient, refused
 * login). Failures without a reply code are the connection's (refused, reset, timed out): retried.
 */
async function sendEmail(
  channel: EmailChannel,
  message: AlertMessage,
  context: AttemptContext,
): Promise<AttemptOutcome> {
  const content = emailMessage(message, context.render)
  // Loaded on the first email, not at start: most servers never send one (docs/development.md#start-time).
  const { default: nodemailer } = await import('nodemailer')
  const transport = nodemailer.createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.secure,
    ...(channel.user !== undefined ? { auth: { user: channel.user, pass: channel.password ?? '' } } : {}),
    connectionTimeout: context.timeoutMs,
    greetingTimeout: context.timeoutMs,
    socketTimeout: context.timeoutMs,
  })
  try {
    await transport.sendMail({
      from: channel.from,
      to: channel.to,
      subject: content.subject,
      text: content.text,
      html: content.html,
      headers: { [DELIVERY_HEADER]: context.deliveryId },
    })
    return { ok: true }
  } catch (error) {
    const code = (error as { responseCode?: unknown }).responseCode
    if (typeof code === 'number')
      return { ok: false, retry: code < 500, error: `SMTP ${code}: ${describe(error)}` }
    return { ok: false, retry: true, error: `network error: ${describe(error)}` }
  } finally {
    transport.close()
  }
}

/** undici says "fetch failed" and keeps the reason (ECONNREFUSED, a reset) in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return oneLine(`${error.message}${cause}`)
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300)
}
