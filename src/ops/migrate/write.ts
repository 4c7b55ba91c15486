// One item's migration write: a put of the current shape that happens only while the stored item is
// exactly the one it was computed from (same `version`, same `model_version`). When the API changed
// the item meanwhile, the condition fails and the item is read again and migrated from the fresh
// copy, so no change from a client is ever overwritten.
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { type BackoffOptions, backoffDelay, sleep } from '../../db/backoff.js'
import { isConditionalCheckFailed } from '../../db/sdk-errors.js'
import { fromWire, toWire } from '../../db/wire.js'
import { isUnavailable } from '../../errors/unavailable.js'
import type { WireItem } from '../parallel-scan.js'
import type { Outcome } from './counts.js'
import { type ModelsByName, planItem } from './plan.js'

export interface WriteContext {
  client: DynamoDBClient
  tableName: string
  models: ModelsByName
  dryRun: boolean
  backoff: BackoffOptions
  /** Fresh copies tried before the item counts as failed. */
  maxConflicts: number
}

export interface ItemResult {
  outcome: Outcome
  /** Writes refused because the item had changed, each retried from a fresh copy. */
  conflicts: number
  /** Why it failed, when it did. */
  reason?: string
  /** What it was migrated from and to (or would be, in a dry run). */
  migration?: { modelName: string; from: number; to: number }
}

/** Plans and writes one scanned item; a throttle or outage that outlasts the backoff is thrown. */
export async function migrateItem(context: WriteContext, scanned: WireItem): Promise<ItemResult> {
  let stored: WireItem = scanned
  for (let conflicts = 0; ; conflicts++) {
    const plan = planItem(context.models, fromWire(stored))
    if (plan.kind === 'failed') return { outcome: 'failed', conflicts, reason: plan.reason }
    if (plan.kind !== 'migrate') return { outcome: plan.kind, conflicts }
    const migration = { modelName: plan.modelName, from: plan.from, to: plan.to }
    if (context.dryRun) return { outcome: 'migrated', conflicts, migration }
    if (conflicts >= context.maxConflicts)
      return { outcome: 'failed', conflicts, reason: `changed by others ${conflicts} times in a row` }
    try {
      await withBackoff(context.backoff, () =>
        context.client.send(new PutItemCommand(conditionalPut(context.tableName, plan.item, stored))),
      )
      return { outcome: 'migrated', conflicts, migration }
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        if (isUnavailable(error)) throw error
        return { outcome: 'failed', conflicts, reason: errorName(error) }
      }
    }
    const fresh = await withBackoff(context.backoff, () =>
      context.client.send(
        new GetItemCommand({
          TableName: context.tableName,
          Key: { pk: stored.pk as WireItem[string], sk: stored.sk as WireItem[string] },
          ConsistentRead: true,
        }),
      ),
    )
    if (!fresh.Item) return { outcome: 'gone', conflicts: conflicts + 1 }
    // Every write of the API raises `version`; an item now current at the version it was planned
    // from was written by a migration: this put, whose answer was lost and whose retry by the SDK
    // found it done, or the put of an attempt killed before its checkpoint.
    if (sameVersion(fresh.Item, stored) && planItem(context.models, fromWire(fresh.Item)).kind === 'current')
      return { outcome: 'migrated', conflicts, migration }
    stored = fresh.Item
  }
}

/**
 * The put, conditioned on the stored item still existing with the very `version` and
 * `model_version` it was planned from (compared as stored, type and all; absent ones must still be
 * absent).
 */
export function conditionalPut(tableName: string, item: Record<string, unknown>, stored: WireItem) {
  const names: Record<string, string> = { '#pk': 'pk' }
  const values: WireItem = {}
  const terms = ['attribute_exists(#pk)']
  for (const [placeholder, attribute] of [
    ['#version', 'version'],
    ['#model_version', 'model_version'],
  ] as const) {
    names[placeholder] = attribute
    const value = stored[attribute]
    if (value === undefined) {
      terms.push(`attribute_not_exists(${placeholder})`)
      continue
    }
    values[`:${attribute}`] = value
    terms.push(`${placeholder} = :${attribute}`)
  }
  return {
    TableName: tableName,
    Item: toWire(item),
    ConditionExpression: terms.join(' AND '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  }
}

/** Retries a call that DynamoDB refused for throttling or being unreachable, with jittered backoff. */
export async function withBackoff<T>(backoff: BackoffOptions, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      // A missing table is unavailable to the server; to a script it is a mistake to report at once.
      if (!isUnavailable(error) || (error as Error).name === 'ResourceNotFoundException') throw error
      if (attempt + 1 >= backoff.maxAttempts) throw error
      await sleep(backoffDelay(attempt + 1, backoff))
    }
  }
}

function sameVersion(a: WireItem, b: WireItem): boolean {
  return JSON.stringify(a.version) === JSON.stringify(b.version)
}

function errorName(error: unknown): string {
  const { name, message } = error as { name?: string; message?: string }
  return [name, message].filter(Boolean).join(': ') || String(error)
}
