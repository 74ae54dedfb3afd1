/**
 * Recorded-style Gemini API (generativelanguage v1beta) response bodies the fake Gemini serves, keyed
 * by the model the request path names. Shapes follow what the API puts on the wire: counts that are 0
 * are left out (proto3 JSON), `modelVersion` names the model that answered, `responseId` the response.
 * Only ids, text and counts are invented. The hand-checked costs live in the tests that use them.
 */
import type { JsonObject } from './fixtures.js'

export interface GeminiFixture {
  response: JsonObject
  /** The SSE chunks of `:streamGenerateContent?alt=sse`; each usageMetadata is the running total. */
  chunks: JsonObject[]
}

function textCandidate(text: string, finishReason?: string): JsonObject {
  return {
    content: { parts: [{ text }], role: 'model' },
    ...(finishReason ? { finishReason } : {}),
    index: 0,
  }
}

/**
 * gemini-2.5-flash thinking over a cached document: promptTokenCount 12,000 of which
 * cachedContentTokenCount 8,000; candidatesTokenCount 350; thoughtsTokenCount 1,200 (NOT part of the
 * candidates); totalTokenCount 13,550 = 12,000 + 350 + 1,200.
 */
const flashUsage: JsonObject = {
  promptTokenCount: 12000,
  candidatesTokenCount: 350,
  totalTokenCount: 13550,
  cachedContentTokenCount: 8000,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12000 }],
  cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 8000 }],
  thoughtsTokenCount: 1200,
}

const flashText = 'The contract renews automatically on 1 March unless cancelled 30 days before.'

const flashResponse: JsonObject = {
  candidates: [textCandidate(flashText, 'STOP')],
  usageMetadata: flashUsage,
  modelVersion: 'gemini-2.5-flash',
  responseId: 'mFvUaOOvNrCtz7IP0ZPa6Ao',
}

/** The same answer streamed: the thinking happens before the first chunk, so its count is there from the start. */
const flashChunks: JsonObject[] = [
  {
    candidates: [textCandidate('The contract renews automatically')],
    usageMetadata: {
      promptTokenCount: 12000,
      candidatesTokenCount: 120,
      totalTokenCount: 13320,
      cachedContentTokenCount: 8000,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12000 }],
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 8000 }],
      thoughtsTokenCount: 1200,
    },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'nFvUaKGXC8Ktz7IPm_7ZgQk',
  },
  {
    candidates: [textCandidate(' on 1 March unless cancelled')],
    usageMetadata: {
      promptTokenCount: 12000,
      candidatesTokenCount: 260,
      totalTokenCount: 13460,
      cachedContentTokenCount: 8000,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12000 }],
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 8000 }],
      thoughtsTokenCount: 1200,
    },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'nFvUaKGXC8Ktz7IPm_7ZgQk',
  },
  {
    candidates: [textCandidate(' 30 days before.', 'STOP')],
    usageMetadata: flashUsage,
    modelVersion: 'gemini-2.5-flash',
    responseId: 'nFvUaKGXC8Ktz7IPm_7ZgQk',
  },
]

/**
 * gemini-2.5-pro over a 250,000-token prompt (above the 200K long-context threshold), 100,000 of them
 * read from the cache; 800 candidate tokens and 1,200 thought tokens.
 */
const proLongResponse: JsonObject = {
  candidates: [textCandidate('Clause 14.2 conflicts with the indemnity in schedule 3.', 'STOP')],
  usageMetadata: {
    promptTokenCount: 250000,
    candidatesTokenCount: 800,
    totalTokenCount: 252000,
    cachedContentTokenCount: 100000,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: 250000 }],
    cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 100000 }],
    thoughtsTokenCount: 1200,
  },
  modelVersion: 'gemini-2.5-pro',
  responseId: 'oFvUaJy1JtSiz7IPsJ3HyQ0',
}

/**
 * gemini-2.0-flash grounded with Google Search: promptTokenCount 500; toolUsePromptTokenCount 1,500
 * (the search results fed back to the model, NOT part of the prompt count); candidatesTokenCount 200.
 * Two search queries: Gemini 2.x bills the grounded prompt once, whatever number it ran.
 */
const groundedResponse: JsonObject = {
  candidates: [
    {
      ...textCandidate('Euro 2024 was won by Spain.', 'STOP'),
      groundingMetadata: {
        webSearchQueries: ['euro 2024 winner', 'euro 2024 final score'],
        searchEntryPoint: { renderedContent: '<div class="container">…</div>' },
      },
    },
  ],
  usageMetadata: {
    promptTokenCount: 500,
    candidatesTokenCount: 200,
    totalTokenCount: 2200,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: 500 }],
    toolUsePromptTokenCount: 1500,
    toolUsePromptTokensDetails: [{ modality: 'TEXT', tokenCount: 1500 }],
  },
  modelVersion: 'gemini-2.0-flash',
  responseId: 'pFvUaPLqE4eoz7IP5eDT4Ak',
}

/** A model no price catalog knows. */
const unknownResponse: JsonObject = {
  candidates: [textCandidate('Hello.', 'STOP')],
  usageMetadata: {
    promptTokenCount: 100,
    candidatesTokenCount: 20,
    totalTokenCount: 120,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: 100 }],
  },
  modelVersion: 'gemini-acme-experimental',
  responseId: 'qFvUaM3kAZGvz7IPtYyP6Q4',
}

function asChunks(response: JsonObject): JsonObject[] {
  return [response]
}

/**
 * gemini-3-flash-preview grounded with Google Search, which bills each unique non-empty query:
 * promptTokenCount 300 + toolUsePromptTokenCount 2,700; candidatesTokenCount 500, thoughts 500.
 * The queries as the API lists them, with an empty one and a repeat: 3 unique non-empty queries.
 */
const gemini3GroundedResponse: JsonObject = {
  candidates: [
    {
      ...textCandidate('The next full moon is on 24 December.', 'STOP'),
      groundingMetadata: {
        webSearchQueries: ['next full moon', '', 'full moon december 2026', 'next full moon', 'moon phases'],
        groundingChunks: [{ web: { uri: 'https://example.org/moon', title: 'example.org' } }],
      },
    },
  ],
  usageMetadata: {
    promptTokenCount: 300,
    candidatesTokenCount: 500,
    thoughtsTokenCount: 500,
    toolUsePromptTokenCount: 2700,
    totalTokenCount: 4000,
  },
  modelVersion: 'gemini-3-flash-preview',
  responseId: 'Z3JvdW5kZWQzMjAyNjEyMDg',
}

/** The same answer streamed: each chunk lists some of the queries, the last one the running usage. */
const gemini3GroundedChunks: JsonObject[] = [
  {
    candidates: [
      {
        content: { parts: [{ text: 'The next full moon' }], role: 'model' },
        index: 0,
        groundingMetadata: { webSearchQueries: ['next full moon', ''] },
      },
    ],
    usageMetadata: { promptTokenCount: 300, toolUsePromptTokenCount: 2700, totalTokenCount: 3000 },
    modelVersion: 'gemini-3-flash-preview',
    responseId: 'Z3JvdW5kZWQzMjAyNjEyMDg',
  },
  {
    candidates: [
      {
        content: { parts: [{ text: ' is on 24 December.' }], role: 'model' },
        finishReason: 'STOP',
        index: 0,
        groundingMetadata: {
          webSearchQueries: ['next full moon', 'full moon december 2026', 'moon phases'],
          groundingChunks: [{ web: { uri: 'https://example.org/moon', title: 'example.org' } }],
        },
      },
    ],
    usageMetadata: gemini3GroundedResponse.usageMetadata as JsonObject,
    modelVersion: 'gemini-3-flash-preview',
    responseId: 'Z3JvdW5kZWQzMjAyNjEyMDg',
  },
]

/**
 * gemini-2.5-flash answering about a recording held in a context cache: promptTokenCount 10,000 by
 * modality TEXT 2,000 and AUDIO 8,000, of which cachedContentTokenCount 6,000 by TEXT 1,000 and
 * AUDIO 5,000 (`cacheTokensDetails`); candidatesTokenCount 400. Cached audio has its own cache rate.
 */
const flashCachedAudioResponse: JsonObject = {
  candidates: [textCandidate('The caller confirms the Friday delivery.', 'STOP')],
  usageMetadata: {
    promptTokenCount: 10000,
    candidatesTokenCount: 400,
    totalTokenCount: 10400,
    cachedContentTokenCount: 6000,
    promptTokensDetails: [
      { modality: 'TEXT', tokenCount: 2000 },
      { modality: 'AUDIO', tokenCount: 8000 },
    ],
    cacheTokensDetails: [
      { modality: 'TEXT', tokenCount: 1000 },
      { modality: 'AUDIO', tokenCount: 5000 },
    ],
    candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: 400 }],
  },
  modelVersion: 'gemini-2.5-flash',
  responseId: 'Y2FjaGVkQXVkaW8yMDI2MTIwOA',
}

/**
 * gemini-2.5-flash listening to a recording beside a short video: promptTokenCount 9,000 by modality
 * TEXT 200, AUDIO 6,400, VIDEO 2,400; candidatesTokenCount 300 (TEXT). Audio input has its own rate.
 */
const flashAudioVideoResponse: JsonObject = {
  candidates: [textCandidate('The caller asks to move the delivery to Friday.', 'STOP')],
  usageMetadata: {
    promptTokenCount: 9000,
    candidatesTokenCount: 300,
    totalTokenCount: 9300,
    promptTokensDetails: [
      { modality: 'TEXT', tokenCount: 200 },
      { modality: 'AUDIO', tokenCount: 6400 },
      { modality: 'VIDEO', tokenCount: 2400 },
    ],
    candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: 300 }],
  },
  modelVersion: 'gemini-2.5-flash',
  responseId: 'aUdVaXZpZGVvMjAyNjEyMDc',
}

/**
 * gemini-2.5-flash-image drawing one image: promptTokenCount 40 (TEXT); candidatesTokenCount 1,310
 * by modality IMAGE 1,290 (one 1024×1024 image) and TEXT 20. Image output has its own rate.
 */
const flashImageResponse: JsonObject = {
  candidates: [
    {
      content: {
        parts: [
          { text: 'Here is the lighthouse.' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
        role: 'model',
      },
      finishReason: 'STOP',
      index: 0,
    },
  ],
  usageMetadata: {
    promptTokenCount: 40,
    candidatesTokenCount: 1310,
    totalTokenCount: 1350,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: 40 }],
    candidatesTokensDetails: [
      { modality: 'TEXT', tokenCount: 20 },
      { modality: 'IMAGE', tokenCount: 1290 },
    ],
  },
  modelVersion: 'gemini-2.5-flash-image',
  responseId: 'aW1hZ2VPdXRwdXQyMDI2MTIwNw',
}

/**
 * The Gemini API's `:embedContent` / `:batchEmbedContents` answer: the vectors and no count at all
 * (token counts, `statistics.tokenCount`, are Vertex AI's only).
 */
export function embedContentResponse(
  route: 'embedContent' | 'batchEmbedContents',
  inputs: number,
): JsonObject {
  const embedding = { values: [0.0123, -0.0456, 0.0789] }
  return route === 'embedContent'
    ? { embedding }
    : { embeddings: Array.from({ length: inputs }, () => embedding) }
}

export const GEMINI_FIXTURES: Record<string, GeminiFixture> = {
  'gemini-2.5-flash-audio': { response: flashAudioVideoResponse, chunks: asChunks(flashAudioVideoResponse) },
  'gemini-2.5-flash-image': { response: flashImageResponse, chunks: asChunks(flashImageResponse) },
  'gemini-2.5-flash': { response: flashResponse, chunks: flashChunks },
  'gemini-2.5-pro': { response: proLongResponse, chunks: asChunks(proLongResponse) },
  'gemini-2.0-flash': { response: groundedResponse, chunks: asChunks(groundedResponse) },
  'gemini-3-flash-preview': { response: gemini3GroundedResponse, chunks: gemini3GroundedChunks },
  'gemini-2.5-flash-cached-audio': {
    response: flashCachedAudioResponse,
    chunks: asChunks(flashCachedAudioResponse),
  },
  'gemini-acme-experimental': { response: unknownResponse, chunks: asChunks(unknownResponse) },
}

/** The API's JSON error body, e.g. `{ error: { code: 429, message, status: 'RESOURCE_EXHAUSTED' } }`. */
export function geminiErrorBody(code: number): JsonObject {
  const status =
    code === 429
      ? 'RESOURCE_EXHAUSTED'
      : code === 404
        ? 'NOT_FOUND'
        : code === 400
          ? 'INVALID_ARGUMENT'
          : code === 503
            ? 'UNAVAILABLE'
            : 'INTERNAL'
  const message =
    code === 429
      ? 'You exceeded your current quota, please check your plan and billing details.'
      : code === 404
        ? 'models/unknown is not found for API version v1beta, or is not supported for generateContent.'
        : code === 503
          ? 'The model is overloaded. Please try again later.'
          : 'An internal error has occurred.'
  return { error: { code, message, status } }
}
