import { describe, expect, it } from 'vitest'
import { tagCall, takeCallTags } from './call-options.js'

describe('tagCall / takeCallTags', () => {
  it('round-trips the tags and hands back the options without them', () => {
    const options = { timeout: 5000, headers: { 'x-app': 'demo' } }
    const tagged = tagCall({ feature: 'summarize' }, options)
    const { tags, options: rest } = takeCallTags(tagged)

    expect(tags).toEqual({ feature: 'summarize' })
    expect(rest).toStrictEqual(options)
    expect(Object.getOwnPropertySymbols(rest)).toEqual([])
  })

  it('does not change the caller’s options object', () => {
    const options = { timeout: 5000 }
    tagCall({ feature: 'summarize' }, options)

    expect(Object.getOwnPropertySymbols(options)).toEqual([])
  })

  it('leaves options without tags alone', () => {
    const options = { timeout: 5000 }

    expect(takeCallTags(options)).toEqual({ tags: undefined, options })
    expect(takeCallTags(undefined)).toEqual({ tags: undefined, options: undefined })
  })
})
