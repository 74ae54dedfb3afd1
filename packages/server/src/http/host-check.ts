import { isIP } from 'node:net'

/**
 * Which `Host` headers the server answers, against DNS rebinding: a hostile web page can point a
 * name of its own at 127.0.0.1 and read a developer's local server with the browser's help, but
 * its requests then carry that name as `Host`. An IP address is always its own origin, and
 * `localhost` (with its subdomains) cannot be rebound; any other name must be allowed explicitly
 * (`--allowed-hosts`, or `*` to allow every name, e.g. behind a proxy that checks it).
 */
export function hostChecker(allowedHosts: readonly string[] = []): (host: string | undefined) => boolean {
  const names = new Set(allowedHosts.map((name) => name.trim().toLowerCase()).filter((name) => name !== ''))
  if (names.has('*')) return () => true
  return (host) => {
    // HTTP/1.0 clients may send none; browsers always do.
    if (host === undefined || host === '') return true
    const name = hostname(host)
    if (name === undefined) return false
    if (isIP(name) !== 0) return true
    if (name === 'localhost' || name.endsWith('.localhost')) return true
    return names.has(name)
  }
}

/** The name of a Host header without its port, lower-case; `[::1]:4600` gives `::1`. */
function hostname(host: string): string | undefined {
  const value = host.trim().toLowerCase()
  if (value.startsWith('[')) {
    const end = value.indexOf(']')
    return end === -1 ? undefined : value.slice(1, end)
  }
  const colon = value.lastIndexOf(':')
  const name = colon === -1 ? value : value.slice(0, colon)
  return name.endsWith('.') ? name.slice(0, -1) : name
}
