// Reproduces boto3-assist's DynamoDBKey.build_key so Python services and tessera share one table.
/**
 * A value Python's str.strip() leaves empty: made only of characters str.isspace() is true of.
 * JavaScript's trim() differs: it keeps U+001C–U+001F and U+0085, and trims U+FEFF; U+180E is
 * neither (Unicode 6.3 made it a format character).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+001C–U+001F are whitespace to Python
const BLANK = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/

export type KeyValue = string | number | boolean | null | undefined
export type KeyPair = readonly [name: string, value: KeyValue]

/**
 * Joins `name#value` pairs with `#` and lower-cases the whole key.
 * - an empty (or blank, as Python's strip() sees it) value keeps just the name: ("group","") → `group`
 * - a null value stops the chain; as the first pair it leaves `name#`, for begins_with queries
 * - an empty name keeps just the value: ("","x") → `x`
 */
export function buildKey(...pairs: KeyPair[]): string {
  let key = ''
  for (let i = 0; i < pairs.length; i++) {
    const [name, value] = pairs[i] as KeyPair
    let part: string
    if (value === null || value === undefined) {
      if (i === 0) key = name ? `${name}#` : ''
      break
    }
    const text = String(value)
    if (BLANK.test(text)) part = name
    else part = name ? `${name}#${text}` : text
    key = i === 0 ? part : `${key}#${part}`
  }
  return key.toLowerCase()
}

/** Tenant ids are what keys are isolated by, so they may not contain the key separator. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/

/** A key that starts with `tenant#<tenantId>#`; refuses an id that would break that prefix. */
export function tenantKey(tenantId: string, ...pairs: KeyPair[]): string {
  if (!TENANT_ID_PATTERN.test(tenantId))
    throw new Error(`invalid tenant id for a key: ${JSON.stringify(tenantId)}`)
  return buildKey(['tenant', tenantId], ...pairs)
}

export function tenantKeyPrefix(tenantId: string): string {
  return `tenant#${tenantId}#`
}
