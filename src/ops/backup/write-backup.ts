// A backup: a parallel scan streams each segment's items into gzip'd NDJSON parts (rolled at a
// size bound), then the manifest is written last. Memory holds a page per segment, whatever the
// table's size; an interrupted run leaves parts and checkpoints but no manifest, which restore
// refuses, and which `resume` finishes.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { parallelScan, type WireItem, type WireKey } from '../parallel-scan.js'
import type { BackupStore } from './backup-store.js'
import { saveCheckpoint, startRun } from './checkpoints.js'
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
  /**
   * Stops after the pages in flight: their parts are finished (afterPart runs for them) and
   * checkpointed, no manifest is written, and the run rejects.
   */
  signal?: AbortSignal
  /** Goes on with the interrupted run in `target` from its checkpoints (same table, kind, filter, segments). */
  resume?: boolean
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
  const wanted = { table: options.tableName, kind: options.kind, filter, segments: options.segments }
  const { run, checkpoints } = await startRun(target, wanted, now().toISOString(), options.resume ?? false)
  const limit = options.partTextBytes ?? (afterPart ? KEPT_PART_TEXT_BYTES : PART_TEXT_BYTES)
  const segments = Array.from({ length: options.segments }, (_, segment) => ({
    parts: [...(checkpoints[segment]?.parts ?? [])],
    counts: { ...checkpoints[segment]?.counts },
  }))
  const open = new Map<number, { writer: PartWriter; lastKey: WireKey | undefined }>()

  // A part is finished: stored, handed to afterPart, then recorded in its segment's checkpoint.
  const finish = async (segment: number, lastKey: WireKey | undefined) => {
    const writer = open.get(segment)?.writer
    open.delete(segment)
    const state = segments[segment] as (typeof segments)[number]
    if (writer) {
      const part = await writer.close()
      if (afterPart) await afterPart(writer.kept, part)
      state.parts.push(part)
      for (const [model, count] of Object.entries(writer.counts))
        state.counts[model] = (state.counts[model] ?? 0) + count
    }
    await saveCheckpoint(target, {
      runId: run.runId,
      segment,
      done: !lastKey,
      lastKey: lastKey ?? null,
      ...state,
    })
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
        startKeys: checkpoints.map((checkpoint) =>
          checkpoint?.done ? null : (checkpoint?.lastKey ?? undefined),
        ),
      },
      async (page) => {
        options.onItems?.(page.items.length, page.scanned)
        let current = open.get(page.segment)
        if (!current && page.items.length > 0) {
          const index = segments[page.segment]?.parts.length ?? 0
          current = {
            writer: new PartWriter(target, page.segment, index, afterPart !== undefined),
            lastKey: undefined,
          }
          open.set(page.segment, current)
        }
        if (current) {
          // The items are text in the part once add() returns; emptying the page lets them die
          // young instead of being promoted while the part drains (which doubles the RSS).
          const added = current.writer.add(page.items)
          page.items.length = 0
          await added
          current.lastKey = page.lastKey
        }
        if (!page.lastKey || (current && current.writer.textBytes >= limit))
          await finish(page.segment, page.lastKey)
      },
    )
  } catch (error) {
    // No upload or file is left half-open; the parts in flight are in no checkpoint.
    await Promise.allSettled([...open.values()].map(({ writer }) => writer.close()))
    throw error
  }
  // Stopped: the pages read so far are finished like any part, so a resumed run goes on after them.
  for (const [segment, { lastKey }] of [...open]) await finish(segment, lastKey)
  if (options.signal?.aborted)
    throw new BackupError(
      `stopped: ${target.location} holds parts but no manifest, so it cannot be restored (finish it with --resume)`,
    )

  const parts = segments.flatMap((state) => state.parts).sort((a, b) => a.name.localeCompare(b.name))
  const counts: Record<string, number> = {}
  for (const state of segments)
    for (const [model, count] of Object.entries(state.counts)) counts[model] = (counts[model] ?? 0) + count
  const manifest: Omit<Manifest, 'checksum'> = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    kind: options.kind,
    tool: { name: 'tessera', version: toolVersion() },
    table: { name: options.tableName, ...table },
    filter,
    segments: options.segments,
    startedAt: run.startedAt,
    finishedAt: now().toISOString(),
    items: parts.reduce((sum, part) => sum + part.items, 0),
    counts: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))),
    parts,
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
