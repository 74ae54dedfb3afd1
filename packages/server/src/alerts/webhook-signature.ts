import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * How webhook receivers know a POST came from spendlens, and is not an old one played again:
 * - `X-Spendlens-Timestamp`: the Unix time in seconds when the attempt was made;
 * - `X-Spendlens-Signature`: `sha256=` and the hex HMAC-SHA256, keyed by the channel's secret, of
 *   `${timestamp}.${body}`, the body being the raw bytes as sent (verify before parsing: JSON
 *   re-serialized may differ).
 * Signing the timestamp with the body means a captured request cannot be replayed later with a
 * fresh timestamp; receivers refuse timestamps older than a few minutes. Each retry is signed
 * anew (a new timestamp) and carries the same `X-Spendlens-Delivery` id, for receivers to drop
 * repeats. The scheme is Stripe's and Slack's, so receivers' existing code fits (docs/alerts.md).
 */
export const SIGNATURE_HEADER = 'x-spendlens-signature'
export const TIMESTAMP_HEADER = 'x-spendlens-timestamp'
export const DELIVERY_HEADER = 'x-spendlens-delivery'

/** The `X-Spendlens-Signature` value for `body` sent at `timestamp` (Unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/**
 * Whether a received body is spendlens's: the signature matches (compared in constant time) and
 * the timestamp is within `toleranceSeconds` of now, either way. For receivers written in Node.
 */
export function verifyWebhookSignature(
  secret: string,
  request: { body: string; timestamp: string | undefined; signature: string | undefined },
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const timestamp = Number(request.timestamp)
  if (!request.signature || !Number.isInteger(timestamp)) return false
  const now = Math.floor((options.now ?? Date.now()) / 1000)
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false
  const expected = Buffer.from(signWebhook(secret, timestamp, request.body))
  const received = Buffer.from(request.signature)
  return expected.length === received.length && timingSafeEqual(expected, received)
}
