import { randomBytes } from 'node:crypto'

/** Who signed in: a key (by id) or a user (by name). Its rights are looked up on each request. */
export interface SessionSubject {
  kind: 'key' | 'user'
  id: string
}

interface Session {
  subject: SessionSubject
  expiresAt: number
}

/**
 * Dashboard sessions, held in the server's memory: a restart signs everyone out. A session's id is
 * 256 random bits in an http-only cookie; it lapses after `idleMs` without use, and at most `max`
 * are kept (the oldest goes first), so signing in in a loop cannot fill the memory. A session only
 * names its key or user: revoking the key or disabling the user ends it on the next request.
 */
export class Sessions {
  private readonly sessions = new Map<string, Session>()

  constructor(
    private readonly idleMs = 12 * 60 * 60 * 1000,
    private readonly max = 10_000,
  ) {}

  create(subject: SessionSubject, now = Date.now()): string {
    const id = randomBytes(32).toString('base64url')
    if (this.sessions.size >= this.max) {
      const oldest = this.sessions.keys().next().value
      if (oldest !== undefined) this.sessions.delete(oldest)
    }
    this.sessions.set(id, { subject, expiresAt: now + this.idleMs })
    return id
  }

  get(id: string, now = Date.now()): SessionSubject | null {
    const session = this.sessions.get(id)
    if (!session) return null
    if (session.expiresAt <= now) {
      this.sessions.delete(id)
      return null
    }
    // Used: its idle time starts again, and it moves to the back of the eviction order.
    this.sessions.delete(id)
    session.expiresAt = now + this.idleMs
    this.sessions.set(id, session)
    return session.subject
  }

  delete(id: string): void {
    this.sessions.delete(id)
  }

  get size(): number {
    return this.sessions.size
  }
}
