/**
 * A header a call sets in its request options (`{ headers }`, the clients' second argument), read
 * the way the clients build their headers: a plain object, a `Headers`, or `[name, value]` rows;
 * names in any case, the last one given winning. `null` removes a header the client would send.
 *
 * Returns the value, null when the call removes the header, undefined when the call does not say.
 * `name` is lower case.
 */
export function requestHeader(options: unknown, name: string): string | null | undefined {
  if (options === null || typeof options !== 'object') return undefined
  const headers = (options as { headers?: unknown }).headers
  if (headers === null || typeof headers !== 'object') return undefined
  if (headers instanceof Headers) return headers.has(name) ? emptyAsNull(headers.get(name)) : undefined
  const rows: unknown[] = Array.isArray(headers) ? headers : Object.entries(headers)
  let found: string | null | undefined
  for (const row of rows) {
    if (!Array.isArray(row) || typeof row[0] !== 'string' || row[0].toLowerCase() !== name) continue
    // An array of values for one name (never meaningful for an id): the last.
    const value: unknown = Array.isArray(row[1]) ? row[1].at(-1) : row[1]
    if (value === null) found = null
    else if (typeof value === 'string' || typeof value === 'number') found = String(value)
  }
  return emptyAsNull(found)
}

/** An empty header names nothing. */
const emptyAsNull = <T extends string | null | undefined>(value: T) => (value === '' ? null : value)
