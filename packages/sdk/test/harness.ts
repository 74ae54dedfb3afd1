import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import {
  type CostEvent,
  callbackSink,
  createTracker,
  type Tracker,
  type TrackerOptions,
} from '../src/index.js'
import type { FakeProvider } from './fake-provider.js'

/** A tracker whose events and warnings land in arrays the test can read. */
export function recordingTracker(options: Omit<TrackerOptions, 'sinks'> = {}): {
  tracker: Tracker
  events: CostEvent[]
  warnings: string[]
} {
  const events: CostEvent[] = []
  const warnings: string[] = []
  const tracker = createTracker({
    onWarning: (message) => warnings.push(message),
    ...options,
    sinks: [callbackSink((event) => events.push(event))],
  })
  return { tracker, events, warnings }
}

/** An official OpenAI client talking to the fake; no retries unless asked, so error tests see one request. */
export function openaiClient(fake: FakeProvider, maxRetries = 0): OpenAI {
  return new OpenAI({ apiKey: 'sk-test-fake', baseURL: fake.openaiBaseURL, maxRetries })
}

export function anthropicClient(fake: FakeProvider, maxRetries = 0): Anthropic {
  return new Anthropic({ apiKey: 'sk-ant-test-fake', baseURL: fake.anthropicBaseURL, maxRetries })
}

export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of stream) items.push(item)
  return items
}

/** The one event a test expects, failing clearly when there are none or several. */
export function onlyEvent(events: readonly CostEvent[]): CostEvent {
  if (events.length !== 1) throw new Error(`expected exactly one event, got ${events.length}`)
  return events[0] as CostEvent
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: PromiseLike<unknown>): Promise<Error & { status?: number }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { status?: number }
  }
  throw new Error('expected the call to fail, it succeeded')
}
