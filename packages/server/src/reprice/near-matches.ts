/**
 * Edit distance (insertions, deletions, substitutions) between two short strings. Model names are
 * tens of characters and the catalog a few thousand: the plain two-row algorithm is enough.
 */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
    previous = current
  }
  return previous[b.length] as number
}

/**
 * The candidates nearest to `wanted` (case-insensitive): a typo or two away, or one holding the
 * other (`gpt-4o` for `gpt-4o-2099-01-01`), closest first, at most `limit`.
 */
export function nearMatches(wanted: string, candidates: Iterable<string>, limit = 5): string[] {
  const target = wanted.toLowerCase()
  const allowed = Math.max(2, Math.floor(target.length / 4))
  const scored: [string, number][] = []
  for (const candidate of new Set(candidates)) {
    const name = candidate.toLowerCase()
    const distance = editDistance(target, name)
    const contains = name.length >= 3 && (target.includes(name) || name.includes(target))
    if (distance <= allowed || contains)
      scored.push([candidate, contains ? Math.min(distance, allowed) : distance])
  }
  return scored
    .sort(([a, x], [b, y]) => x - y || a.length - b.length || a.localeCompare(b))
    .slice(0, limit)
    .map(([candidate]) => candidate)
}
