// Restore: the backup is verified whole first (readBackup), then its items are written as they
// were read. `overwrite` puts them with BatchWriteItem, replacing what is there; `missing-only`
// puts each on condition that its key is free, so an existing item is never replaced. The run
// ends by reconciling, per model: restored + skipped + failed = what the backup holds.
import { DescribeTableCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { type BatchOptions, batchWriteWire } from '../../db/batch.js'
import { isConditionalCheckFailed } from '../../db/sdk-errors.js'
import { ensureTable, tableExists } from '../../db/table-admin.js'
import { tableDefinition } from '../../models/index.js'
import { ALL_MODELS } from '../../resources/index.js'
import type { WireItem } from '../parallel-scan.js'
import type { BackupStore } from './backup-store.js'
import { keyText, modelOf } from './item-json.js'
import { BackupError, type Manifest, type ManifestPart } from './manifest.js'
import { readBackup } from './read-backup.js'

export const RESTORE_MODES = ['missing-only', 'overwrite'] as const
export type RestoreMode = (typeof RESTORE_MODES)[number]
/** Failures kept by key for the report; any more are counted only. */
export const LISTED_FAILURES = 1_000

export interface RestoreOptions {
  client: DynamoDBClient
  tableName: string
  source: BackupStore
  mode: RestoreMode
  /** Restore only this tenant's items (from a full backup, or that tenant's). */
  tenantId?: string
  /** Create the table from the models' definition when it is missing (default); else refuse. */
  createTable?: boolean
  batch: BatchOptions
  signal?: AbortSignal
  /** Each part once it is verified (before anything is written). */
  onPartVerified?: (part: ManifestPart) => void
  /** After the backup is verified, before anything is written. */
  onVerified?: (manifest: Manifest, items: number) => void
  onItems?: (items: number, counts: Record<string, number>) => void
}

export interface ModelTally {
  expected: number
  restored: number
  skipped: number
  failed: number
}

export interface RestoreSummary {
  manifest: Manifest
  table: 'created' | 'exists'
  counts: Record<string, ModelTally>
  failures: { key: string; model: string; error: string }[]
  /** restored + skipped + failed = expected for every model. */
  reconciled: boolean
  stopped: boolean
}

export async function restoreBackup(options: RestoreOptions): Promise<RestoreSummary> {
  const { client, tableName, mode } = options
  const backup = await readBackup(options.source, {
    ...(options.tenantId ? { tenantId: options.tenantId } : {}),
    ...(options.onPartVerified ? { onPartVerified: options.onPartVerified } : {}),
  })
  const { manifest } = backup
  const backupTenant = manifest.filter.tenantId
  if (options.tenantId && backupTenant && backupTenant !== options.tenantId)
    throw new BackupError(
      `${options.source.location} holds tenant ${backupTenant}'s items, not ${options.tenantId}'s`,
    )
  const table = await prepareTable(client, tableName, manifest, options.createTable ?? true)
  const expected = Object.values(backup.counts).reduce((sum, count) => sum + count, 0)
  options.onVerified?.(manifest, expected)

  const counts: Record<string, ModelTally> = {}
  for (const [model, count] of Object.entries(backup.counts))
    counts[model] = { expected: count, restored: 0, skipped: 0, failed: 0 }
  const failures: RestoreSummary['failures'] = []
  const tally = (item: WireItem, outcome: 'restored' | 'skipped' | 'failed', error?: unknown) => {
    const entry = counts[modelOf(item)]
    if (entry) entry[outcome]++
    if (outcome === 'failed' && failures.length < LISTED_FAILURES)
      failures.push({ key: keyText(item), model: modelOf(item), error: describe(error) })
  }

  // Workers take the next items as they become free, so every one of them always has a write in
  // flight (a batch of 25, or one conditional put) while the parts are read.
  const overwriting = mode === 'overwrite'
  const source = backup.items()
  const take = async (count: number) => {
    const items: WireItem[] = []
    while (items.length < count && !options.signal?.aborted) {
      const next = await source.next()
      if (next.done) break
      items.push(next.value)
    }
    return items
  }
  const concurrency = Math.max(1, options.batch.concurrency)
  const worker = async () => {
    for (
      let items = await take(overwriting ? 25 : 1);
      items.length > 0;
      items = await take(overwriting ? 25 : 1)
    ) {
      if (overwriting) await overwrite(client, tableName, items, { ...options.batch, concurrency: 1 }, tally)
      else for (const item of items) await putIfMissing(client, tableName, item, tally)
      const done: Record<string, number> = {}
      for (const item of items) done[modelOf(item)] = (done[modelOf(item)] ?? 0) + 1
      options.onItems?.(items.length, done)
    }
  }
  // A put carries one item where a batch carries 25: as many puts in flight as a batch's items.
  await Promise.all(Array.from({ length: overwriting ? concurrency : 25 * concurrency }, worker))

  const reconciled = Object.values(counts).every(
    (entry) => entry.restored + entry.skipped + entry.failed === entry.expected,
  )
  return { manifest, table, counts, failures, reconciled, stopped: options.signal?.aborted ?? false }
}

type Tally = (item: WireItem, outcome: 'restored' | 'skipped' | 'failed', error?: unknown) => void

async function overwrite(
  client: DynamoDBClient,
  tableName: string,
  items: WireItem[],
  batch: BatchOptions,
  tally: Tally,
) {
  const requests = items.map((Item) => ({ PutRequest: { Item } }))
  const failed = await batchWriteWire(client, tableName, requests, batch)
  // Unprocessed requests come back as new objects: they are matched to the items by key.
  const failedKeys = new Set(failed.map(({ request }) => keyText(request.PutRequest?.Item ?? {})))
  for (const item of items) {
    if (!failedKeys.has(keyText(item))) tally(item, 'restored')
    // A batch fails whole when one of its items is refused: each is tried alone, so only that one fails.
    else await putOne(client, new PutItemCommand({ TableName: tableName, Item: item }), item, tally)
  }
}

function putIfMissing(client: DynamoDBClient, tableName: string, item: WireItem, tally: Tally) {
  const put = new PutItemCommand({
    TableName: tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(pk)',
  })
  return putOne(client, put, item, tally)
}

/** One put: restored, skipped (its condition found the item there) or failed. */
async function putOne(client: DynamoDBClient, put: PutItemCommand, item: WireItem, tally: Tally) {
  try {
    await client.send(put)
    tally(item, 'restored')
  } catch (error) {
    if (isConditionalCheckFailed(error)) tally(item, 'skipped')
    else tally(item, 'failed', error)
  }
}

async function prepareTable(client: DynamoDBClient, tableName: string, manifest: Manifest, create: boolean) {
  if (!(await tableExists(client, tableName))) {
    if (!create) throw new BackupError(`table ${tableName} does not exist`)
    return ensureTable(client, tableDefinition(tableName, ALL_MODELS))
  }
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }))
  const keys = (schema: { AttributeName?: string; KeyType?: string }[] = []) =>
    schema.map(({ AttributeName, KeyType }) => `${AttributeName}:${KeyType}`).join(',')
  if (keys(Table?.KeySchema) !== keys(manifest.table.keySchema))
    throw new BackupError(
      `table ${tableName}'s key schema (${keys(Table?.KeySchema)}) is not the backup's (${keys(manifest.table.keySchema)})`,
    )
  return 'exists' as const
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}
