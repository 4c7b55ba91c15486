// A parallel scan for scripts (migrate, backup, archive, export, DR checks): every segment reads its
// pages in turn and hands each to the caller before asking for the next, so memory holds at most
// one page per segment whatever the table's size. A segment can start from a checkpoint (the last
// key it finished) and report where it stopped, which is what makes the scripts resumable.
import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb'
import { type BackoffOptions, backoffDelay, sleep } from '../db/backoff.js'
import { isUnavailable } from '../errors/unavailable.js'

export type WireItem = Record<string, AttributeValue>
export type WireKey = Record<string, AttributeValue>

export interface ScanFilter {
  expression: string
  names?: Record<string, string>
  values?: Record<string, AttributeValue>
}

export interface ScanPage {
  segment: number
  /** Items of this page that passed the filter. */
  items: WireItem[]
  /** Items DynamoDB read for this page, before the filter. */
  scanned: number
  /** Where the next page of this segment starts; undefined when the segment is done. */
  lastKey: WireKey | undefined
}

export interface ParallelScanOptions {
  client: DynamoDBClient
  tableName: string
  segments: number
  /** Items DynamoDB reads per page (its `Limit`); at most 1 MB is read whatever this is. */
  pageSize?: number
  filter?: ScanFilter
  consistentRead?: boolean
  /**
   * Where each segment starts, by segment number: a key resumes after it, `null` marks a segment
   * already finished, a missing entry starts at the beginning.
   */
  startKeys?: ReadonlyArray<WireKey | null | undefined>
  /** Stops every segment after its current page. */
  signal?: AbortSignal
  /** Retries of a page that failed because DynamoDB was throttling or unreachable. */
  backoff?: BackoffOptions
}

export const SCAN_BACKOFF: BackoffOptions = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 10_000 }
export const MAX_SEGMENTS = 1_000_000

/** Scans every segment in parallel, awaiting `onPage` for each page before reading the next. */
export async function parallelScan(
  options: ParallelScanOptions,
  onPage: (page: ScanPage) => Promise<void> | void,
): Promise<{ scanned: number; matched: number }> {
  const { segments } = options
  if (!Number.isInteger(segments) || segments < 1 || segments > MAX_SEGMENTS)
    throw new RangeError(`segments must be a whole number from 1 to ${MAX_SEGMENTS}`)
  const totals = { scanned: 0, matched: 0 }
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let startKey = options.startKeys?.[segment]
      if (startKey === null) return
      do {
        if (options.signal?.aborted) return
        const page = await scanPage(options, segment, startKey ?? undefined)
        totals.scanned += page.scanned
        totals.matched += page.items.length
        await onPage(page)
        startKey = page.lastKey
      } while (startKey)
    }),
  )
  return totals
}

async function scanPage(options: ParallelScanOptions, segment: number, startKey: WireKey | undefined) {
  const backoff = options.backoff ?? SCAN_BACKOFF
  const command = new ScanCommand({
    TableName: options.tableName,
    Segment: segment,
    TotalSegments: options.segments,
    ...(options.pageSize ? { Limit: options.pageSize } : {}),
    ...(options.consistentRead ? { ConsistentRead: true } : {}),
    ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    ...(options.filter
      ? {
          FilterExpression: options.filter.expression,
          ...(options.filter.names ? { ExpressionAttributeNames: options.filter.names } : {}),
          ...(options.filter.values ? { ExpressionAttributeValues: options.filter.values } : {}),
        }
      : {}),
  })
  for (let attempt = 0; ; attempt++) {
    try {
      const output = await options.client.send(command)
      return {
        segment,
        items: output.Items ?? [],
        scanned: output.ScannedCount ?? 0,
        lastKey: output.LastEvaluatedKey,
      } satisfies ScanPage
    } catch (error) {
      // The SDK has retried already; a long throttle or outage gets more patience here, because
      // giving up means a script run stops half-way. Anything else is not worth retrying.
      if (!worthRetrying(error) || attempt + 1 >= backoff.maxAttempts) throw error
      await sleep(backoffDelay(attempt + 1, backoff))
    }
  }
}

/** A missing table counts as "unavailable" to the server; to a script it is a mistake to report. */
function worthRetrying(error: unknown): boolean {
  return isUnavailable(error) && (error as { name?: string }).name !== 'ResourceNotFoundException'
}
