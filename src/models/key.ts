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
  return joinPairs(pairs, undefined)
}

/** The pairs joined after `key` (none: the first pair starts the key). */
function joinPairs(pairs: readonly KeyPair[], key: string | undefined): string {
  // Each part is lower-cased on its own, which is the same as lower-casing the whole key: `#` is
  // neither cased nor case-ignorable, so no part's casing depends on its neighbours (final sigma).
  for (const pair of pairs) {
    // A name already in lower case (they all are) comes back as it is, at no cost.
    const name = pair[0].toLowerCase()
    const value = pair[1]
    if (value === null || value === undefined) {
      if (key === undefined) key = name ? `${name}#` : ''
      break
    }
    const text = String(value)
    const part = isBlank(text) ? name : name ? `${name}#${text.toLowerCase()}` : text.toLowerCase()
    key = key === undefined ? part : `${key}#${part}`
  }
  return key ?? ''
}

function isBlank(text: string): boolean {
  const first = text.charCodeAt(0)
  // Printable ASCII other than the space is never blank: most values are decided here.
  if (first > 0x20 && first < 0x7f) return false
  return BLANK.test(text)
}

/** Tenant ids are what keys are isolated by, so they may not contain the key separator. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/

/** Ids that passed the pattern: a process sees few tenants, and builds several keys per request. */
const validTenantIds = new Set<string>()

/** A key that starts with `tenant#<tenantId>#`; refuses an id that would break that prefix. */
export function tenantKey(tenantId: string, ...pairs: KeyPair[]): string {
  if (!validTenantIds.has(tenantId)) {
    if (!TENANT_ID_PATTERN.test(tenantId))
      throw new Error(`invalid tenant id for a key: ${JSON.stringify(tenantId)}`)
    if (validTenantIds.size >= 10_000) validTenantIds.clear()
    validTenantIds.add(tenantId)
  }
  // A valid id is in lower case and never blank: the first pair as buildKey would join it.
  return joinPairs(pairs, `tenant#${tenantId}`)
}

export function tenantKeyPrefix(tenantId: string): string {
  return `tenant#${tenantId}#`
}
