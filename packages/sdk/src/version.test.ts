import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SDK_NAME, SDK_VERSION } from './version.js'

describe('SDK_VERSION', () => {
  it('equals the version in packages/sdk/package.json', () => {
    const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string
    }

    expect(SDK_VERSION).toBe(packageJson.version)
    expect(SDK_NAME).toBe(`spendlens-js/${packageJson.version}`)
  })
})
