/** Node's codes for a server that cannot be reached or dropped the connection (the client throws them as they are). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
])

/**
 * ClickHouse's own codes for a server that is there but cannot take the insert now: 202
 * TOO_MANY_SIMULTANEOUS_QUERIES, 209 SOCKET_TIMEOUT, 210 NETWORK_ERROR, 241 MEMORY_LIMIT_EXCEEDED,
 * 242 TABLE_IS_READ_ONLY, 243 NOT_ENOUGH_SPACE, 252 TOO_MANY_PARTS, 999 KEEPER_EXCEPTION.
 */
const PASSING_SERVER_CODES = new Set(['202', '209', '210', '241', '242', '243', '252', '999'])

/**
 * Whether a ClickHouse failure is an outage that passes (the server down or unreachable, out of
 * space or memory for now), after which the same batch can be sent again; not a refusal of the
 * batch itself (bad SQL, a wrong type).
 */
export function isUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || PASSING_SERVER_CODES.has(code))) return true
    // The client's own request timeout, and a connection closed before the answer.
    if (/^Timeout error\.?$|socket hang up/i.test(current.message)) return true
    current = current.cause
  }
  return false
}
