import { describe, expect, it } from 'vitest'
import { hostChecker } from './host-check.js'

describe('hostChecker', () => {
  const allowed = hostChecker(['spendlens.internal'])

  it('answers IP addresses, localhost and its subdomains, with or without a port', () => {
    for (const host of [
      '127.0.0.1:4600',
      '10.1.2.3',
      '[::1]:4600',
      '[::1]',
      'localhost',
      'LOCALHOST:4600',
      'app.localhost:80',
    ])
      expect(allowed(host), host).toBe(true)
  })

  it('answers the names it was given, and no other name (DNS rebinding)', () => {
    expect(allowed('spendlens.internal:4600')).toBe(true)
    expect(allowed('spendlens.internal.')).toBe(true)
    for (const host of [
      'evil.example',
      'evil.example:4600',
      '127.0.0.1.evil.example',
      'localhost.evil.example',
      '[::1',
    ])
      expect(allowed(host), host).toBe(false)
  })

  it('answers every name with *', () => {
    expect(hostChecker(['*'])('anything.example')).toBe(true)
  })
})
