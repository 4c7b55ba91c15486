// SDK middleware that asks every call for its consumed capacity and records duration, outcome,
// retries, throttles and capacity. Added once to the client, so no call can forget it. A call whose
// input the gateway tagged (usage-tag.ts) also counts for its tenant's usage.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types'
import type { Metrics } from '../observability/metrics.js'
import type { UsageMeter, UsageTag } from '../observability/usage-meter.js'
import { type Tagged, USAGE_TAG } from './usage-tag.js'
import { itemsWritten, READ_OPERATIONS } from './written-items.js'

interface CapacityEntry {
  TableName?: string
  CapacityUnits?: number
  Table?: { CapacityUnits?: number }
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>
  LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>
}

const THROTTLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
])

type CapacityDetail = 'TOTAL' | 'INDEXES'

// Operations whose input takes ReturnConsumedCapacity, and the detail each asks for. Reads by key
// touch the base table alone, so TOTAL carries the same units as INDEXES would, in a smaller answer
// that DynamoDB has less to build for; writes and queries may consume index capacity too.
const CAPACITY_DETAIL: ReadonlyMap<string, CapacityDetail> = new Map([
  ['GetItem', 'TOTAL'],
  ['BatchGetItem', 'TOTAL'],
  ['TransactGetItems', 'TOTAL'],
  ['PutItem', 'INDEXES'],
  ['UpdateItem', 'INDEXES'],
  ['DeleteItem', 'INDEXES'],
  ['Query', 'INDEXES'],
  ['Scan', 'INDEXES'],
  ['BatchWriteItem', 'INDEXES'],
  ['TransactWriteItems', 'INDEXES'],
])

export function instrumentClient(client: DynamoDBClient, metrics: Metrics, meter?: UsageMeter): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = operationOf(context.commandName)
      const input = args.input as { TableName?: string; ReturnConsumedCapacity?: string } & Tagged
      const detail = CAPACITY_DETAIL.get(operation)
      if (detail) input.ReturnConsumedCapacity ??= detail
      const table = input.TableName ?? 'batch'
      const started = performance.now()
      try {
        const result = await next(args)
        const output = result.output as { ConsumedCapacity?: CapacityEntry | CapacityEntry[] }
        recordCapacity(metrics, operation, output.ConsumedCapacity)
        const tag = input[USAGE_TAG]
        if (tag && meter) meterCall(meter, tag, operation, input, result.output, output.ConsumedCapacity)
        recordRetries(metrics, operation, table, result.output.$metadata?.attempts)
        observe(metrics, operation, table, 'success', started)
        return result
      } catch (error) {
        const metadata = (error as { $metadata?: { attempts?: number } }).$metadata
        recordRetries(metrics, operation, table, metadata?.attempts)
        observe(metrics, operation, table, outcomeOf(error), started)
        throw error
      }
    },
    { step: 'initialize', name: 'tesseraCallMetrics', override: true },
  )

  // Runs once per attempt (after the retry middleware), so throttles that a retry hid still count.
  const countThrottles: RelativeMiddleware = (next, context) => async (args) => {
    try {
      return await next(args)
    } catch (error) {
      if (THROTTLE_NAMES.has((error as Error).name)) {
        metrics.dynamodbThrottles.inc({
          operation: operationOf(context.commandName),
          table: tableOf(args.input),
        })
      }
      throw error
    }
  }
  client.middlewareStack.addRelativeTo(countThrottles, {
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    name: 'tesseraThrottleCounter',
    override: true,
  })
}

type RelativeMiddleware = FinalizeRequestMiddleware<object, MetadataBearer>

function operationOf(commandName: string | undefined): string {
  return (commandName ?? 'Unknown').replace(/Command$/, '')
}

function tableOf(input: unknown): string {
  return (input as { TableName?: string }).TableName ?? 'batch'
}

function outcomeOf(error: unknown): string {
  const name = (error as Error).name
  if (THROTTLE_NAMES.has(name)) return 'throttled'
  if (name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException')
    return 'condition_failed'
  return 'error'
}

function observe(metrics: Metrics, operation: string, table: string, outcome: string, started: number): void {
  metrics.dynamodbCallDuration.observe({ operation, table, outcome }, (performance.now() - started) / 1000)
}

function recordRetries(
  metrics: Metrics,
  operation: string,
  table: string,
  attempts: number | undefined,
): void {
  if (attempts && attempts > 1) metrics.dynamodbRetries.inc({ operation, table }, attempts - 1)
}

function recordCapacity(
  metrics: Metrics,
  operation: string,
  consumed: CapacityEntry | CapacityEntry[] | undefined,
) {
  if (!consumed) return
  for (const entry of Array.isArray(consumed) ? consumed : [consumed]) {
    const table = entry.TableName ?? 'unknown'
    const tableUnits =
      entry.Table?.CapacityUnits ?? (entry.GlobalSecondaryIndexes ? undefined : entry.CapacityUnits)
    if (tableUnits) metrics.dynamodbConsumedCapacity.inc({ table, index: 'table', operation }, tableUnits)
    for (const indexes of [entry.GlobalSecondaryIndexes, entry.LocalSecondaryIndexes]) {
      for (const [index, units] of Object.entries(indexes ?? {})) {
        if (units.CapacityUnits)
          metrics.dynamodbConsumedCapacity.inc({ table, index, operation }, units.CapacityUnits)
      }
    }
  }
}

function meterCall(
  meter: UsageMeter,
  tag: UsageTag,
  operation: string,
  input: object,
  output: object,
  consumed: CapacityEntry | CapacityEntry[] | undefined,
): void {
  let units = 0
  if (consumed)
    for (const entry of Array.isArray(consumed) ? consumed : [consumed]) units += entry.CapacityUnits ?? 0
  meter.addCapacity(tag, READ_OPERATIONS.has(operation) ? 'read' : 'write', units)
  meter.addItemsWritten(tag.tenantId, itemsWritten(operation, input, output))
}
