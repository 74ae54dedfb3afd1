/**
 * Which tokenizer a model counts with, as far as spendlens can tell: the same text is another number
 * of tokens under another tokenizer, so a what-if between two families assumes counts that would
 * not hold (docs/decisions.md). Known families by provider and model name; any other model is a
 * family of its own provider. Deliberately coarse: it decides whether to state the caveat, never a
 * figure.
 */
const FAMILIES: readonly { provider: string; model: RegExp; family: string }[] = [
  // OpenAI's o200k_base: GPT-4o onwards and the o-series.
  {
    provider: 'openai',
    model: /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|gpt-oss|codex)/,
    family: 'OpenAI o200k',
  },
  // cl100k_base: GPT-4, GPT-3.5 and the v3 embeddings.
  { provider: 'openai', model: /^(gpt-4|gpt-3\.5|text-embedding)/, family: 'OpenAI cl100k' },
  { provider: 'anthropic', model: /^claude/, family: 'Anthropic Claude' },
  { provider: 'google', model: /^gemini/, family: 'Google Gemini' },
  { provider: 'google', model: /^gemma/, family: 'Google Gemma' },
]

/** The tokenizer family of `provider`'s `model` (its provider's name when not known). */
export function tokenizerFamily(provider: string, model: string): string {
  const name = model.toLowerCase()
  return (
    FAMILIES.find((entry) => entry.provider === provider && entry.model.test(name))?.family ??
    `${provider} models`
  )
}
