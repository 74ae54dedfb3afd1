import { InvalidArgumentError } from 'commander'
import { describe, expect, it } from 'vitest'
import { DEFAULT_PORT, portFromEnvironment, portNumber } from './cli-arguments.js'

describe('the port', () => {
  it('takes $SPENDLENS_PORT over $PORT, and 4600 without either', () => {
    expect(portFromEnvironment({ SPENDLENS_PORT: '5000', PORT: '6000' })).toBe(5000)
    expect(portFromEnvironment({ PORT: '6000' })).toBe(6000)
    expect(portFromEnvironment({ SPENDLENS_PORT: '', PORT: '6000' })).toBe(6000)
    expect(portFromEnvironment({})).toBe(DEFAULT_PORT)
  })

  it('refuses what is not a port from 0 to 65535, naming the variable', () => {
    for (const value of ['abc', '', '-1', '65536', '80.5', '1e3', '0x50'])
      expect(() => portNumber(value), value).toThrow(InvalidArgumentError)
    expect(portNumber('65535')).toBe(65535)
    expect(portNumber('0')).toBe(0)
    expect(() => portFromEnvironment({ SPENDLENS_PORT: '8o8o', PORT: '80' })).toThrow(
      'SPENDLENS_PORT="8o8o": expected a port: a whole number from 0 (any free port) to 65535',
    )
  })
})
