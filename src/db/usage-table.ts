// Usage items in the table: adding a batch of counts to a tenant's hour, and reading a tenant's hours.
import {
  type DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb'
import {
  flushAttribute,
  hourKey,
  layoutOf,
  parseUsageCounter,
  SECONDS_PER_HOUR,
  TTL_ATTRIBUTE,
  type UsageCounterKind,
  UsagePeriod,
  usagePartition,
} from '../models/index.js'
import type { UsageBatch } from '../observability/usage-meter.js'
import { ExpressionAttributes } from './expression.js'
import { queryParams } from './params.js'
import { sendMapped } from './sdk-errors.js'
import { usageTagOf } from './tenant-scope.js'
import { withUsageTag } from './usage-tag.js'
import { fromWire, queryInput, toWire } from './wire.js'

const USAGE_MODEL = layoutOf(UsagePeriod)

/**
 * One UpdateItem that ADDs the batch's counts to the tenant's hour, creating the item if needed. It
 * holds only while the item's last applied flush of this instance is below the batch's sequence,
 * so the same batch sent again (the SDK's retry, or the next flush after a lost answer) fails its
 * condition instead of adding twice. Instances keep their own sequence: their ADDs never conflict.
 */
export function addUsageInput(
  tableName: string,
  instanceId: string,
  batch: UsageBatch,
  options: { expiresAt: number; now: Date },
): UpdateItemCommandInput {
  const attributes = new ExpressionAttributes()
  const flush = attributes.name(flushAttribute(instanceId))
  const sequence = attributes.value(batch.sequence)
  const keep = (attribute: string, value: unknown) =>
    `${attributes.name(attribute)} = if_not_exists(${attributes.name(attribute)}, ${attributes.value(value)})`
  const timestamp = options.now.toISOString()
  const set = [
    `${flush} = ${sequence}`,
    keep('id', `${batch.tenantId}#${batch.hour}`),
    keep('model_name', USAGE_MODEL.modelName),
    keep('model_version', USAGE_MODEL.modelVersion),
    keep('tenant_id', batch.tenantId),
    keep('hour', batch.hour),
    keep('created_utc', timestamp),
    keep(TTL_ATTRIBUTE, options.expiresAt),
    `${attributes.name('updated_utc')} = ${attributes.value(timestamp)}`,
  ]
  const add = [...batch.counts].map(
    ([counter, amount]) => `${attributes.name(counter)} ${attributes.value(amount)}`,
  )
  const { ExpressionAttributeNames, ExpressionAttributeValues } = attributes.toParams()
  return {
    TableName: tableName,
    Key: toWire({ pk: usagePartition(batch.tenantId), sk: hourKey(batch.hour) }),
    UpdateExpression: `SET ${set.join(', ')}${add.length > 0 ? ` ADD ${add.join(', ')}` : ''}`,
    ConditionExpression: `attribute_not_exists(${flush}) OR ${flush} < ${sequence}`,
    ExpressionAttributeNames,
    ExpressionAttributeValues: toWire(ExpressionAttributeValues ?? {}),
  }
}

export function addUsage(
  client: DynamoDBClient,
  input: UpdateItemCommandInput,
  signal: AbortSignal,
): Promise<unknown> {
  return client.send(new UpdateItemCommand(input), { abortSignal: signal })
}

/** What one stored hour holds: its counters by kind, then by name. */
export interface UsageHour {
  /** Unix seconds at the start of the hour. */
  hour: number
  counters: Record<UsageCounterKind, Map<string, number>>
}

/**
 * The tenant's hours from `fromHour` up to (not including) `toHour`, oldest first: every page. The
 * reads count for the tenant's own usage, as any read made for it.
 */
export async function readUsage(
  client: DynamoDBClient,
  tableName: string,
  tenantId: string,
  range: { fromHour: number; toHour: number },
): Promise<UsageHour[]> {
  const params = queryParams(tableName, {
    index: 'primary',
    partitionKey: usagePartition(tenantId),
    sortKey: { between: [hourKey(range.fromHour), hourKey(range.toHour - SECONDS_PER_HOUR)] },
  })
  const usage = usageTagOf(tenantId, USAGE_MODEL.modelName)
  const hours: UsageHour[] = []
  let startKey: Record<string, unknown> | undefined
  do {
    const input = withUsageTag(queryInput({ ...params, ExclusiveStartKey: startKey }), usage)
    const output = await sendMapped(() => client.send(new QueryCommand(input)))
    for (const item of output.Items ?? []) hours.push(hourOf(fromWire(item)))
    startKey = output.LastEvaluatedKey && fromWire(output.LastEvaluatedKey)
  } while (startKey)
  return hours
}

function hourOf(item: Record<string, unknown>): UsageHour {
  const counters: UsageHour['counters'] = {
    read: new Map(),
    write: new Map(),
    request: new Map(),
    items: new Map(),
  }
  for (const [attribute, value] of Object.entries(item)) {
    const counter = typeof value === 'number' ? parseUsageCounter(attribute) : undefined
    if (counter) counters[counter.kind].set(counter.name, value as number)
  }
  return { hour: Number(item.hour), counters }
}
