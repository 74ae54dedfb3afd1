/**
 * Money from the admin reports as exact integer nano-dollars, by decimal string arithmetic.
 *
 * Why not `Math.round(value * 1e9)`: OpenAI sends dollars as JSON floats with 17 significant
 * digits (0.13080438340307526) and Anthropic sends cents as decimal strings; multiplying a float
 * lands a hair either side of a half nano and rounds the wrong way, and the day's invoice then
 * differs from the provider's in the last digit. Shifting the decimal point in the string form
 * (a float's shortest round-tripping form, `String(value)`) is exact.
 */

/** Dollars (a decimal string, or a JSON number read as its shortest string form) → nano-dollars. */
export function dollarsToNanos(dollars: string | number): number {
  return shiftToInteger(dollars, 9)
}

/** Cents as a decimal string (Anthropic's cost report: "123.45" is $1.2345) → nano-dollars. */
export function centsToNanos(cents: string | number): number {
  return shiftToInteger(cents, 7)
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/**
 * `decimal` × 10^places as an integer, rounded half away from zero (a credit of −0.5 nano is
 * −1, as +0.5 is +1, so a refund cancels the charge it refunds).
 */
function shiftToInteger(decimal: string | number, places: number): number {
  const text = String(decimal).trim()
  const parts = DECIMAL.exec(text)
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = parts ?? []
  if (!parts || whole.length + fraction.length === 0) throw new Error(`not a decimal amount: ${text}`)
  let digits = whole + fraction
  // Where the decimal point falls in `digits` once shifted; padded so that it falls inside them.
  let point = whole.length + Number(exponent) + places
  if (Math.abs(point) > 64) throw new Error(`amount out of range: ${text}`)
  if (point < 0) {
    digits = '0'.repeat(-point) + digits
    point = 0
  }
  digits = digits.padEnd(point + 1, '0')
  const roundUp = (digits[point] as string) >= '5' ? 1n : 0n
  const magnitude = BigInt(digits.slice(0, point) || '0') + roundUp
  const result = Number(sign === '-' ? -magnitude : magnitude)
  if (!Number.isSafeInteger(result)) throw new Error(`amount out of range: ${text}`)
  return result
}
