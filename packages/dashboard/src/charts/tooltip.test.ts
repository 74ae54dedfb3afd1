import { describe, expect, it } from 'vitest'
import { escapeHtml } from './tooltip'

describe('escapeHtml', () => {
  it('escapes the characters that would start markup', () => {
    expect(escapeHtml(`<img src=x onerror="alert('x')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;',
    )
  })
})
