import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from './api-client'
import { principalLabel, signIn, signInErrorMessage } from './session'

describe('signInErrorMessage', () => {
  it('tells a wrong key from a wrong password', () => {
    const wrong = new ApiError('401', 401, 'unauthorized')
    expect(signInErrorMessage(wrong, 'key')).toBe(
      'That key is not valid: it may be mistyped, incomplete or revoked.',
    )
    expect(signInErrorMessage(wrong, 'user')).toBe('Wrong user name or password.')
  })

  it('says an ingest key cannot sign in, and which key can', () => {
    expect(signInErrorMessage(new ApiError('403', 403, 'forbidden'), 'key')).toBe(
      'That is an ingest key: it can only send events. Sign in with a read or admin key.',
    )
  })

  it('says how long to wait after too many attempts', () => {
    expect(signInErrorMessage(new ApiError('429', 429, 'rate_limited', 37), 'user')).toBe(
      'Too many sign-in attempts from this address. Try again in 37 seconds.',
    )
    expect(signInErrorMessage(new ApiError('429', 429, 'rate_limited'), 'key')).toContain(
      'Try again in a minute.',
    )
  })

  it('says the server is unreachable when no answer came', () => {
    expect(signInErrorMessage(new ApiError('Could not reach'), 'key')).toContain(
      'Could not reach the spendlens server',
    )
    expect(signInErrorMessage(new TypeError('fetch failed'), 'key')).toContain('Could not reach')
  })
})

describe('signIn', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('sends the key in the body of POST /api/session, and nowhere else', async () => {
    const fetchMock = vi.fn(
      async () => new Response(JSON.stringify({ auth: 'required', principal: null }), { status: 200 }),
    )
    vi.stubGlobal('fetch', fetchMock)
    await signIn({ key: 'sl_0123456789ab_secret' })
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('api/session')
    expect(init.method).toBe('POST')
    expect(JSON.parse(String(init.body))).toEqual({ key: 'sl_0123456789ab_secret' })
    expect(JSON.stringify(init.headers)).not.toContain('sl_0123456789ab_secret')
  })
})

describe('principalLabel', () => {
  it('names a user by name and a key by role and id', () => {
    expect(
      principalLabel({
        kind: 'user',
        id: 'alice',
        role: 'read',
        projects: ['a'],
        default_project: 'default',
      }),
    ).toBe('alice')
    expect(
      principalLabel({
        kind: 'key',
        id: '0123456789ab',
        role: 'read',
        projects: ['a'],
        default_project: 'default',
      }),
    ).toBe('read key 0123456789ab')
  })
})
