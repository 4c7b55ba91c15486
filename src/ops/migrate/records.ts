// A migration run's record in the table itself: platform-level items under `migration#`, which no
// tenant's key can start with, so no API route reads them. One partition lists the runs (filters,
// target versions, segments, times, status); each run has a partition of one item per segment with
// where it stopped, its counts, the items that failed, and the page whose writes are under way.
import {
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import { isConditionalCheckFailed } from '../../db/sdk-errors.js'
import { fromWire, toWire } from '../../db/wire.js'
import type { WireItem, WireKey } from '../parallel-scan.js'
import { type Counts, zeroCounts } from './counts.js'
import { withBackoff } from './write.js'

export const RECORD_PREFIX = 'migration#'
const RUNS_PARTITION = `${RECORD_PREFIX}runs`
const RECORD_BACKOFF = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 10_000 }

/** `running` until every segment is done; a run stopped or killed half-way is resumed from it. */
export type RunStatus = 'running' | 'done' | 'abandoned'

export interface RunRecord {
  runId: string
  model?: string
  tenant?: string
  targetVersions: Record<string, number>
  segments: number
  startedUtc: string
  endedUtc?: string
  status: RunStatus
  /** How many times it was started: 1, plus one for each resume. */
  attempts: number
  /** The run's counts, kept when it ends (a running run's are its segments'). */
  counts?: Counts
  /** Until when a runner holds the run (unix ms), as read; see lease.ts. */
  leaseUntil?: number
}

export interface FailedItem {
  pk: string
  sk: string
  reason: string
}

/** An item whose write is under way: its key and its `version` as scanned (wire JSON, or null). */
export type PendingItem = [pk: string, sk: string, version: string | null]

export interface SegmentRecord {
  segment: number
  /** Where the segment resumes: a key, `null` when it is done, absent before its first page. */
  lastKey?: WireKey | null
  counts: Counts
  /** Items DynamoDB read (before the filters), for the progress bar. */
  read: number
  /** The first items that failed, bounded (the counts have them all). */
  failures: FailedItem[]
  /** The page after `lastKey` whose migration writes had started: what they were about to write. */
  pending?: PendingItem[]
}

export const MAX_FAILURES_KEPT = 25

export function newSegment(segment: number): SegmentRecord {
  return { segment, counts: zeroCounts(), read: 0, failures: [] }
}

export class MigrationRecords {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async listRuns(): Promise<RunRecord[]> {
    const items = await this.partition(RUNS_PARTITION)
    return items.map((item) => ({
      ...(JSON.parse(String(item.run)) as RunRecord),
      ...(typeof item.lease_until === 'number' ? { leaseUntil: item.lease_until } : {}),
    }))
  }

  /** Writes the run's record, leaving its lease as it is. */
  async putRun(run: RunRecord): Promise<void> {
    const { leaseUntil: _, ...record } = run
    await this.update(
      run.runId,
      'SET #run = :run',
      undefined,
      { '#run': 'run' },
      { ':run': { S: JSON.stringify(record) } },
    )
  }

  /**
   * Takes or renews the run's lease until `until` (unix ms) for `owner`: true unless another owner
   * holds a lease that has not lapsed by `now`. A runner killed outright leaves its lease to lapse.
   */
  async claim(runId: string, owner: string, now: number, until: number): Promise<boolean> {
    try {
      await this.update(
        runId,
        'SET #owner = :owner, #until = :until',
        'attribute_exists(pk) AND (attribute_not_exists(#until) OR #until < :now OR #owner = :owner)',
        { '#owner': 'lease_owner', '#until': 'lease_until' },
        { ':owner': { S: owner }, ':until': { N: String(until) }, ':now': { N: String(now) } },
      )
      return true
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false
      throw error
    }
  }

  /** Gives the lease up, if `owner` still holds it. */
  async release(runId: string, owner: string): Promise<void> {
    await this.update(
      runId,
      'REMOVE #owner, #until',
      '#owner = :owner',
      { '#owner': 'lease_owner', '#until': 'lease_until' },
      { ':owner': { S: owner } },
    ).catch((error: unknown) => {
      if (!isConditionalCheckFailed(error)) throw error
    })
  }

  async segments(runId: string): Promise<SegmentRecord[]> {
    const items = await this.partition(segmentPartition(runId))
    return items.map((item) => JSON.parse(String(item.segment)) as SegmentRecord)
  }

  async putSegment(runId: string, segment: SegmentRecord): Promise<void> {
    await this.put({
      pk: segmentPartition(runId),
      sk: `segment#${String(segment.segment).padStart(7, '0')}`,
      segment: JSON.stringify(segment),
    })
  }

  private async put(item: Record<string, unknown>): Promise<void> {
    await withBackoff(RECORD_BACKOFF, () =>
      this.client.send(new PutItemCommand({ TableName: this.tableName, Item: toWire(item) })),
    )
  }

  private async update(
    runId: string,
    expression: string,
    condition: string | undefined,
    names: Record<string, string>,
    values: WireItem,
  ): Promise<void> {
    await withBackoff(RECORD_BACKOFF, () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: RUNS_PARTITION }, sk: { S: `run#${runId}` } },
          UpdateExpression: expression,
          ...(condition ? { ConditionExpression: condition } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    )
  }

  private async partition(pk: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = []
    let startKey: WireKey | undefined
    do {
      const page = await withBackoff(RECORD_BACKOFF, () =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: pk } },
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      )
      items.push(...(page.Items ?? []).map(fromWire))
      startKey = page.LastEvaluatedKey
    } while (startKey)
    return items
  }
}

function segmentPartition(runId: string): string {
  return `${RECORD_PREFIX}run#${runId}`
}
