import type { IndexDefinitions } from './indexes.js'
import { buildKey, tenantKey } from './key.js'
import { TenantModel } from './model.js'

export const SECONDS_PER_HOUR = 3_600

/**
 * What one tenant used in one hour, summed over every instance: one item per tenant per hour, which
 * instances add to with atomic ADDs (usage-table.ts in src/db). Its counters are top-level numbers,
 * as ADD allows no others, named by what they count (usageCounter); `flush#<instance>` attributes
 * hold the last flush of each instance applied to the item, so that a retried flush is refused.
 */
export class UsagePeriod extends TenantModel {
  static readonly modelVersion = 1
  static readonly fields = ['tenantId', 'userId', 'hour', 'expiresAt'] as const

  static readonly indexes = {
    primary: {
      pk: (u) => usagePartition(u.tenantId),
      sk: (u) => hourKey(u.hour),
    },
  } satisfies IndexDefinitions<UsagePeriod>

  /** Unix seconds at the start of the hour (UTC). */
  hour = 0
  /** Unix seconds: DynamoDB's TTL removes the item after this. */
  expiresAt = 0
}

export function usagePartition(tenantId: string): string {
  return tenantKey(tenantId, ['usage', ''])
}

/** Sort keys of whole hours; unix seconds have ten digits until 2286, so they sort as strings. */
export function hourKey(hour: number): string {
  return buildKey(['hour', hour])
}

export type UsageCounterKind = 'read' | 'write' | 'request' | 'items'

const PREFIXES: Readonly<Record<UsageCounterKind, string>> = {
  read: 'rcu#',
  write: 'wcu#',
  request: 'req#',
  items: 'items_written',
}

/**
 * The attribute a counter is kept in: read or write capacity units by model (`rcu#group`), requests
 * by route and status class (`req#GET /v2/groups/:id#2xx`), items written (`items_written`).
 */
export function usageCounter(kind: UsageCounterKind, name = ''): string {
  return kind === 'items' ? PREFIXES.items : `${PREFIXES[kind]}${name}`
}

/** The counter an attribute holds, or undefined for any other attribute. */
export function parseUsageCounter(attribute: string): { kind: UsageCounterKind; name: string } | undefined {
  for (const kind of Object.keys(PREFIXES) as UsageCounterKind[]) {
    const prefix = PREFIXES[kind]
    if (kind === 'items' ? attribute === prefix : attribute.startsWith(prefix))
      return { kind, name: attribute.slice(kind === 'items' ? attribute.length : prefix.length) }
  }
  return undefined
}

/** The attribute holding the last flush of one instance applied to the item. */
export function flushAttribute(instanceId: string): string {
  return `flush#${instanceId}`
}
