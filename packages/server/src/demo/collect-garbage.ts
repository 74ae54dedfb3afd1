import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/**
 * A full garbage collection now, once a one-off load (the demo's, ~100 MB of objects built and
 * dropped) is done: V8 would otherwise keep the heap it grew to until it next fills, and the server
 * would hold ~100 MB more RSS than after a restart (bench:start). Node exposes `gc` only with
 * --expose-gc; the flag set now holds for contexts made after it, so a new context hands it over.
 */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  gc()
}
