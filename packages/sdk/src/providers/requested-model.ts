import type { MethodSpec } from '../record/tracked-call.js'

/**
 * The specs of `methods`, recording the model the request named rather than the one the response
 * reports, for clouds whose model ids carry what the price depends on (Bedrock's inference
 * profiles) or are what their console and invoice show (Vertex's `claude-sonnet-4-5@20250929`).
 */
export function pricedByRequestedModel(methods: Record<string, MethodSpec>): Record<string, MethodSpec> {
  return Object.fromEntries(
    Object.entries(methods).map(([path, spec]) => {
      const { readChunk } = spec
      const keepRequested: MethodSpec = {
        ...spec,
        readResponse(data, call) {
          spec.readResponse(data, call)
          call.model = null
        },
        ...(readChunk && {
          readChunk(chunk, call) {
            const injected = readChunk(chunk, call)
            call.model = null
            return injected
          },
        }),
      }
      return [path, keepRequested]
    }),
  )
}
