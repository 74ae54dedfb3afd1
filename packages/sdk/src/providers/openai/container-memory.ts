/**
 * The code-interpreter containers a tracker has already counted, so that a container a later
 * response reuses (the `auto` container of a conversation continued with `previous_response_id`,
 * say) is not counted as a second session.
 *
 * OpenAI bills code interpreter per container session, and a container lives until it has been
 * idle for 20 minutes (developers.openai.com, "Code Interpreter": "a container expires if it is
 * not used for 20 minutes"; an expired container cannot be used again). So an entry is forgotten
 * 20 minutes after the last response that ran code in it: past that the container is gone and its
 * id never comes back. Container ids are unique, so remembering one longer than it lives is harmless;
 * forgetting one too early counts it twice.
 *
 * Bounded: at most `limit` containers (10,000 by default, about a megabyte); past that the one
 * idle longest is forgotten first. Memory is per tracker and per process: another process (or
 * another tracker) that reuses a container counts it again, unless its request names the
 * container (`tools: [{ type: 'code_interpreter', container: 'cntr_…' }]`), which is never a new
 * session.
 */
export class ContainerMemory {
  /** Container id → epoch ms of the last sighting, oldest sighting first (re-inserted on each). */
  private readonly lastSeen = new Map<string, number>()

  constructor(
    readonly idleMs = 20 * 60 * 1000,
    readonly limit = 10_000,
  ) {}

  /**
   * Records that a response ran code in `id` at `now`; true when that is a new session (a
   * container this memory did not hold, or held past its idle expiry).
   */
  sighted(id: string, now = Date.now()): boolean {
    this.expire(now)
    const known = this.lastSeen.has(id)
    this.lastSeen.delete(id)
    this.lastSeen.set(id, now)
    if (this.lastSeen.size > this.limit) this.lastSeen.delete(this.lastSeen.keys().next().value as string)
    return !known
  }

  /** How many containers are remembered (for tests and diagnostics). */
  get size(): number {
    return this.lastSeen.size
  }

  /** Forgets the containers idle for longer than `idleMs`: they are the oldest, at the front. */
  private expire(now: number) {
    for (const [id, seen] of this.lastSeen) {
      if (now - seen <= this.idleMs) return
      this.lastSeen.delete(id)
    }
  }
}
