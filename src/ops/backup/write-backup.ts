// A backup: a parallel scan streams each segment's items into gzip'd NDJSON parts (rolled at a
// size bound), then the manifest is written last. Memory holds a page per segment, whatever the
// table's size; an interrupted run leaves parts but no manifest, which restore refuses.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { parallelScan, type WireItem } from '../parallel-scan.js'
import type { BackupStore } from './backup-store.js'
import { checkFilter, scanFilter } from './filter.js'
import {
  BackupError,
  type BackupFilter,
  type BackupKind,
  FORMAT,
  FORMAT_VERSION,
  MANIFEST_NAME,
  type Manifest,
  type ManifestPart,
  serializeManifest,
} from './manifest.js'
import { PartWriter } from './part-writer.js'
import { toolVersion } from './tool-version.js'

/** A part is rolled once this much NDJSON (before gzip) went into it. */
export const PART_TEXT_BYTES = 256 * 1024 * 1024
/** The bound when the caller keeps a part's items for afterPart. */
export const KEPT_PART_TEXT_BYTES = 16 * 1024 * 1024

export interface WriteBackupOptions {
  client: DynamoDBClient
  tableName: string
  target: BackupStore
  segments: number
  kind: BackupKind
  filter?: BackupFilter
  /** Model names a filter may name (ALL_MODELS'); any name when absent. */
  knownModels?: readonly string[]
  /** Stops after the pages in flight: no manifest is written, the run rejects. */
  signal?: AbortSignal
  pageSize?: number
  partTextBytes?: number
  /** Runs once a part is durably stored, with its items (an archive deletes them then). */
  afterPart?: (items: WireItem[], part: ManifestPart) => Promise<void>
  /** Each page's items as they are read (for progress). */
  onItems?: (items: number, scanned: number) => void
  now?: () => Date
}

export async function writeBackup(options: WriteBackupOptions): Promise<Manifest> {
  const { target, afterPart } = options
  const now = options.now ?? (() => new Date())
  const filter = checkFilter(options.filter ?? {}, options.knownModels)
  if ((await target.readText(MANIFEST_NAME)) !== undefined)
    throw new BackupError(`${target.location} already holds a complete backup: back up to a new location`)
  const table = await describeKeys(options.client, options.tableName)
  const startedAt = now().toISOString()
  const limit = options.partTextBytes ?? (afterPart ? KEPT_PART_TEXT_BYTES : PART_TEXT_BYTES)
  const parts: ManifestPart[] = []
  const counts: Record<string, number> = {}
  const open = new Map<number, PartWriter>()
  const partsOfSegment = new Map<number, number>()

  const finish = async (writer: PartWriter) => {
    open.delete(writer.segment)
    const part = await writer.close()
    if (afterPart) await afterPart(writer.kept, part)
    parts.push(part)
    for (const [model, count] of Object.entries(writer.counts)) counts[model] = (counts[model] ?? 0) + count
  }

  try {
    await parallelScan(
      {
        client: options.client,
        tableName: options.tableName,
        segments: options.segments,
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        filter: scanFilter(filter),
      },
      async (page) => {
        options.onItems?.(page.items.length, page.scanned)
        let writer = open.get(page.segment)
        if (!writer && page.items.length > 0) {
          const index = partsOfSegment.get(page.segment) ?? 0
          partsOfSegment.set(page.segment, index + 1)
          writer = new PartWriter(target, page.segment, index, afterPart !== undefined)
          open.set(page.segment, writer)
        }
        if (!writer) return
        await writer.add(page.items)
        if (!page.lastKey || writer.textBytes >= limit) await finish(writer)
      },
    )
  } finally {
    // A stopped or failed run still ends its open parts, so no upload or file is left half-open;
    // their items were not handed to afterPart, and no manifest names them.
    await Promise.allSettled([...open.values()].map((writer) => writer.close()))
  }
  if (options.signal?.aborted)
    throw new BackupError(`stopped: ${target.location} holds parts but no manifest, so it cannot be restored`)

  const manifest: Omit<Manifest, 'checksum'> = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    kind: options.kind,
    tool: { name: 'tessera', version: toolVersion() },
    table: { name: options.tableName, ...table },
    filter,
    segments: options.segments,
    startedAt,
    finishedAt: now().toISOString(),
    items: parts.reduce((sum, part) => sum + part.items, 0),
    counts: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))),
    parts: parts.sort((a, b) => a.name.localeCompare(b.name)),
  }
  const text = serializeManifest(manifest)
  await target.writeText(MANIFEST_NAME, text)
  return JSON.parse(text) as Manifest
}

/** The table's key schema and its indexes', as the manifest records them. */
export async function describeKeys(client: DynamoDBClient, tableName: string) {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }))
  const keySchema = (Table?.KeySchema ?? []).map(({ AttributeName, KeyType }) => ({
    AttributeName: String(AttributeName),
    KeyType: KeyType as 'HASH' | 'RANGE',
  }))
  const indexes = (Table?.GlobalSecondaryIndexes ?? [])
    .map((index) => ({
      name: String(index.IndexName),
      keySchema: (index.KeySchema ?? []).map(({ AttributeName, KeyType }) => ({
        AttributeName: String(AttributeName),
        KeyType: KeyType as 'HASH' | 'RANGE',
      })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
  return { keySchema, indexes }
}
