import { describe, expect, it } from 'vitest'
import { NO_BUDGETS } from '../budgets/budget-guard.js'
import { ContainerMemory } from '../providers/openai/container-memory.js'
import { openaiChat } from '../providers/openai/openai-methods.js'
import type { CallRecord } from '../record/build-cost-event.js'
import type { Recorder } from '../record/recorder.js'
import { TrackedCall } from '../record/tracked-call.js'
import { observeResult } from './observe-result.js'

function recordingRecorder(recorded: CallRecord[]): Recorder {
  return {
    defaultTags: {},
    hashPrompts: false,
    applyTagPolicy: (tags) => tags,
    record: (call) => recorded.push(call),
    flush: async () => undefined,
    flushSync: () => undefined,
    sinks: [],
    warn: () => undefined,
    budgets: NO_BUDGETS,
    containers: new ContainerMemory(),
  }
}

describe('observeResult', () => {
  it('does not let a chunk read after the caller cancelled change the recorded call', async () => {
    const recorded: CallRecord[] = []
    const call = new TrackedCall(recordingRecorder(recorded), 'openai', openaiChat, {}, 'gpt-4o-mini', true)
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    // Shaped like the clients' Stream: everything reads through its `iterator` factory.
    const stream = {
      controller: new AbortController(),
      async *iterator() {
        await gate
        yield { choices: [], usage: { prompt_tokens: 5, completion_tokens: 1 } }
      },
      [Symbol.asyncIterator]() {
        return this.iterator()
      },
    }
    const result = observeResult(Promise.resolve(stream), call) as Promise<typeof stream>
    const iterator = (await result)[Symbol.asyncIterator]()

    // A ReadableStream cancelled while its pull waits: the read is in flight when return() comes.
    const pending = iterator.next()
    const returned = iterator.return?.()
    release()
    const chunk = await pending
    await returned

    expect(chunk.done).toBe(false)
    expect(recorded).toHaveLength(1)
    expect(recorded[0]).toMatchObject({
      status: 'cancelled',
      usage: { input_tokens: null, output_tokens: null },
    })
  })
})
