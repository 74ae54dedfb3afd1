import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { type Provider, waitForUpdate } from '@pydantic/genai-prices'

export type { ConditionalPrice, MatchLogic, ModelInfo, ModelPrice, Provider } from '@pydantic/genai-prices'

/** Every provider of the price catalog in use, with its models (for listing; never on a call's path). */
export async function catalogProviders(): Promise<Provider[]> {
  return (await waitForUpdate()) ?? []
}

/** The version of the price catalog package (`@pydantic/genai-prices`), e.g. `0.1.8`. */
export function catalogVersion(): string {
  // Its package.json is not among the package's exports: found by walking up from its entry point.
  let folder = dirname(createRequire(import.meta.url).resolve('@pydantic/genai-prices'))
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'))
      if (manifest.name === '@pydantic/genai-prices') return String(manifest.version)
    } catch {
      // not here: one folder up
    }
    const parent = dirname(folder)
    if (parent === folder) return 'unknown'
    folder = parent
  }
}
