/** What the exit hooks flush: a tracker's recorder. */
export interface ExitFlushable {
  flush(): Promise<void>
  flushSync(): void
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const
/** Marks spendlens' own signal listeners, in every copy of this module, so they never count as the app's. */
const LISTENER_MARK = Symbol.for('spendlens.exit-listener')

// Weak: a tracker the app has let go of (with every client it wrapped) must not be kept alive by the exit hooks.
const targets = new Set<WeakRef<ExitFlushable>>()
let installed = false

function live(): ExitFlushable[] {
  const found: ExitFlushable[] = []
  for (const reference of targets) {
    const target = reference.deref()
    if (target) found.push(target)
    else targets.delete(reference)
  }
  return found
}

/**
 * Flushes `target` when the process ends:
 * - `beforeExit` (the event loop ran dry): an async flush; its requests keep the process alive just
 *   long enough to deliver, and its retry timers do not.
 * - `exit` (after `process.exit()`, or after the loop ran dry): only synchronous work is possible,
 *   so `flushSync` writes what is still pending to the disk spool.
 * - SIGTERM, SIGINT: `flushSync` first. If spendlens is the only listener, the signal's default
 *   behaviour is kept: the listener removes itself and re-raises the signal. If the app listens
 *   too, exiting is the app's call; meanwhile an async flush delivers what it can.
 */
export function flushOnExit(target: ExitFlushable): void {
  targets.add(new WeakRef(target))
  if (installed) return
  installed = true

  let flushing = false
  const flushAll = () => {
    if (flushing) return
    flushing = true
    Promise.all(live().map((flushable) => flushable.flush().catch(() => undefined))).finally(() => {
      flushing = false
    })
  }
  const flushAllSync = () => {
    for (const flushable of live()) {
      try {
        flushable.flushSync()
      } catch {}
    }
  }
  process.on('beforeExit', flushAll)
  process.on('exit', flushAllSync)
  for (const signal of SIGNALS) {
    const listener = Object.assign(
      () => {
        flushAllSync()
        const others = process.listeners(signal).filter((other) => !(LISTENER_MARK in other))
        if (others.length > 0) return flushAll()
        process.removeListener(signal, listener)
        process.kill(process.pid, signal)
      },
      { [LISTENER_MARK]: true },
    )
    // First in line, so an app listener registered with `once` still counts when this one runs.
    process.prependListener(signal, listener)
  }
}
