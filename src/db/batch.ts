// BatchWriteItem (25 per request) and BatchGetItem (100 per request). DynamoDB may hand back part
// of a batch unprocessed under load; that part is retried with jittered backoff up to a bound,
// and whatever is still unprocessed after it is returned to the caller: nothing is dropped.
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest as WireWriteRequest,
} from '@aws-sdk/client-dynamodb'
import type { Item } from '../models/index.js'
import type { UsageTag } from '../observability/usage-meter.js'
import { type BackoffOptions, backoffDelay, sleep } from './backoff.js'
import type { PrimaryKey } from './params.js'
import { mapSdkError } from './sdk-errors.js'
import { withUsageTag } from './usage-tag.js'
import { fromWire, plainKey, toWire, wireKey } from './wire.js'

export const MAX_BATCH_WRITE = 25
export const MAX_BATCH_GET = 100

export type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: PrimaryKey } }

export interface FailedWrite {
  request: WriteRequest
  /** Why it failed: unprocessed after every retry, or the whole call failed. */
  error: unknown
}

export interface BatchOptions {
  backoff: BackoffOptions
  /** Requests in flight at once. */
  concurrency: number
  onUnprocessed?: (operation: 'BatchWriteItem' | 'BatchGetItem', count: number) => void
  /** Whose usage the calls count for. */
  usage?: UsageTag | undefined
}

export class UnprocessedError extends Error {
  override name = 'UnprocessedError'
}

/** Writes every request; resolves with the ones that still failed (empty when all were written). */
export async function batchWrite(
  client: DynamoDBClient,
  tableName: string,
  requests: readonly WriteRequest[],
  options: BatchOptions,
): Promise<FailedWrite[]> {
  const failed = await batchWriteWire(client, tableName, requests.map(wireRequest), options)
  return failed.map(({ request, error }) => ({ request: plainRequest(request), error }))
}

export interface FailedWireWrite {
  request: WireWriteRequest
  error: unknown
}

/**
 * batchWrite of requests already in DynamoDB's wire format, written as they are: a restore puts
 * items exactly as they were read (numbers as DynamoDB's strings, sets, binary), with no plain
 * JavaScript values in between.
 */
export async function batchWriteWire(
  client: DynamoDBClient,
  tableName: string,
  requests: readonly WireWriteRequest[],
  options: BatchOptions,
): Promise<FailedWireWrite[]> {
  const failed: FailedWireWrite[] = []
  await inChunks(requests, MAX_BATCH_WRITE, options.concurrency, async (chunk) => {
    let pending = chunk
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= options.backoff.maxAttempts) {
        for (const request of pending)
          failed.push({ request, error: new UnprocessedError('left unprocessed') })
        return
      }
      if (attempt > 0) await sleep(backoffDelay(attempt, options.backoff))
      try {
        const output = await client.send(
          new BatchWriteItemCommand(withUsageTag({ RequestItems: { [tableName]: pending } }, options.usage)),
        )
        pending = output.UnprocessedItems?.[tableName] ?? []
        if (pending.length > 0) options.onUnprocessed?.('BatchWriteItem', pending.length)
      } catch (error) {
        // The SDK already retried throttling and 5xx; the chunk's requests are reported failed.
        for (const request of pending) failed.push({ request, error: mapSdkError(error) })
        return
      }
    }
  })
  return failed
}

/** Reads every key; `unprocessed` holds the keys still not read after every retry. */
export async function batchGet(
  client: DynamoDBClient,
  tableName: string,
  keys: readonly PrimaryKey[],
  options: BatchOptions,
  consistent = false,
): Promise<{ items: Item[]; unprocessed: PrimaryKey[] }> {
  const items: Item[] = []
  const unprocessed: PrimaryKey[] = []
  await inChunks(keys, MAX_BATCH_GET, options.concurrency, async (chunk) => {
    let pending = chunk
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= options.backoff.maxAttempts) {
        unprocessed.push(...pending)
        return
      }
      if (attempt > 0) await sleep(backoffDelay(attempt, options.backoff))
      const output = await send(() =>
        client.send(
          new BatchGetItemCommand(
            withUsageTag(
              { RequestItems: { [tableName]: { Keys: pending.map(wireKey), ConsistentRead: consistent } } },
              options.usage,
            ),
          ),
        ),
      )
      for (const item of output.Responses?.[tableName] ?? []) items.push(fromWire(item))
      pending = (output.UnprocessedKeys?.[tableName]?.Keys ?? []).map(plainKey)
      if (pending.length > 0) options.onUnprocessed?.('BatchGetItem', pending.length)
    }
  })
  return { items, unprocessed }
}

function wireRequest(request: WriteRequest): WireWriteRequest {
  return 'PutRequest' in request
    ? { PutRequest: { Item: toWire(request.PutRequest.Item) } }
    : { DeleteRequest: { Key: wireKey(request.DeleteRequest.Key) } }
}

/** An unprocessed request handed back, as it was asked for. */
function plainRequest(request: WireWriteRequest): WriteRequest {
  if (request.PutRequest?.Item) return { PutRequest: { Item: fromWire(request.PutRequest.Item) } }
  if (request.DeleteRequest?.Key) return { DeleteRequest: { Key: plainKey(request.DeleteRequest.Key) } }
  throw new TypeError('DynamoDB handed back an unprocessed request that is neither a put nor a delete')
}

async function send<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw mapSdkError(error)
  }
}

/** Runs `work` over chunks of `size`, at most `concurrency` at a time. */
export async function inChunks<T>(
  values: readonly T[],
  size: number,
  concurrency: number,
  work: (chunk: T[]) => Promise<void>,
): Promise<void> {
  const chunks: T[][] = []
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size))
  let next = 0
  const worker = async () => {
    while (next < chunks.length) await work(chunks[next++] as T[])
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker))
}
