// An archive: the items last updated before a cutoff (or only the soft-deleted ones) are written
// to a backup of kind `archive`, and only once it is complete (manifest written, then read back and
// verified) is each deleted, on condition that it is still the item archived. An item changed since
// stays, counted `changed since, kept`. `resume` goes on with a run stopped while writing (from its
// checkpoints), or finishes the deletes of a complete archive. Per model: archived = deleted +
// changed + gone.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import {
  BackupError,
  type BackupStore,
  MANIFEST_NAME,
  type Manifest,
  modelOf,
  readBackup,
  writeBackup,
} from '../backup/index.js'
import type { WireItem } from '../parallel-scan.js'
import { type DeleteOutcome, deleteIfUnchanged } from './conditional-delete.js'

/**
 * Models whose live items may be archived, each named on its own (`--model`). The others: a live
 * user holds its email claim, a tenant's record is its standing, a claim goes with its user, and
 * idempotency records expire within a day. Audit entries are append-only history: they are
 * archived only when named, never by a run over every model. Soft-deleted items of any model may be.
 */
export const LIVE_ARCHIVABLE_MODELS = ['group', 'audit_entry'] as const

export interface ArchiveSelection {
  /** Items last updated before this time (ISO 8601). */
  before: string
  model?: string
  tenantId?: string
  deletedOnly?: boolean
}

export interface ArchiveOptions extends Partial<ArchiveSelection> {
  client: DynamoDBClient
  tableName: string
  target: BackupStore
  segments: number
  knownModels: readonly string[]
  /** Go on with the run stopped at `target`: its writing (same selection), or its deletes. */
  resume?: boolean
  /** Deletes in flight at once. */
  concurrency: number
  signal?: AbortSignal
  onArchived?: (items: number) => void
  /** The archive is complete and verified; the deletes start when this resolves. */
  onArchiveWritten?: (manifest: Manifest) => Promise<void> | void
  onDeleted?: (outcome: DeleteOutcome) => void
  now?: () => Date
}

export interface ArchiveTally {
  archived: number
  deleted: number
  changed: number
  gone: number
}

export interface ArchiveSummary {
  manifest: Manifest
  counts: Record<string, ArchiveTally>
  /** archived = deleted + changed + gone for every model. */
  reconciled: boolean
  stopped: boolean
}

/** Why this selection may not be archived; undefined when it may. */
export function archiveRefusal(selection: ArchiveSelection, now = new Date()): string | undefined {
  const before = Date.parse(selection.before)
  if (Number.isNaN(before)) return `--before ${JSON.stringify(selection.before)} is no date`
  if (before > now.getTime()) return '--before is in the future: it would archive items being written now'
  if (selection.deletedOnly) return undefined
  if (!selection.model)
    return `archiving items that are not deleted needs --model (${LIVE_ARCHIVABLE_MODELS.join(' or ')}), or --deleted-only`
  if (!(LIVE_ARCHIVABLE_MODELS as readonly string[]).includes(selection.model))
    return `live ${selection.model} items are not archived (only ${LIVE_ARCHIVABLE_MODELS.join(' and ')}); deleted ones are, with --deleted-only`
  return undefined
}

export async function archive(options: ArchiveOptions): Promise<ArchiveSummary> {
  const { client, tableName, target } = options
  const existing = await target.readText(MANIFEST_NAME)
  if (existing !== undefined && !options.resume)
    throw new BackupError(
      `${target.location} already holds an archive: --resume finishes its deletes, or archive to a new location`,
    )
  // Resuming a run stopped while writing goes on from its checkpoints (same selection), then deletes.
  if (existing === undefined) await writeArchive(options)

  const backup = await readBackup(target)
  const { manifest } = backup
  if (manifest.kind !== 'archive')
    throw new BackupError(`${target.location} is a ${manifest.kind}, not an archive`)
  if (manifest.table.name !== tableName)
    throw new BackupError(`${target.location} archives table ${manifest.table.name}, not ${tableName}`)
  await options.onArchiveWritten?.(manifest)
  const counts: Record<string, ArchiveTally> = {}
  for (const [model, archived] of Object.entries(manifest.counts))
    counts[model] = { archived, deleted: 0, changed: 0, gone: 0 }

  let batch: WireItem[] = []
  const flush = async () => {
    const outcomes = await Promise.all(batch.map((item) => deleteIfUnchanged(client, tableName, item)))
    outcomes.forEach((outcome, n) => {
      const tally = counts[modelOf(batch[n] as WireItem)] as ArchiveTally
      tally[outcome]++
      options.onDeleted?.(outcome)
    })
    batch = []
  }
  for await (const item of backup.items()) {
    if (options.signal?.aborted) break
    batch.push(item)
    if (batch.length >= options.concurrency) await flush()
  }
  if (!options.signal?.aborted) await flush()
  const reconciled = Object.values(counts).every((t) => t.archived === t.deleted + t.changed + t.gone)
  return { manifest, counts, reconciled, stopped: options.signal?.aborted ?? false }
}

async function writeArchive(options: ArchiveOptions): Promise<void> {
  const selection: ArchiveSelection = {
    before: options.before ?? '',
    ...(options.model ? { model: options.model } : {}),
    ...(options.tenantId ? { tenantId: options.tenantId } : {}),
    ...(options.deletedOnly ? { deletedOnly: true } : {}),
  }
  const refusal = archiveRefusal(selection, options.now?.())
  if (refusal) throw new BackupError(refusal)
  await writeBackup({
    client: options.client,
    tableName: options.tableName,
    target: options.target,
    segments: options.segments,
    kind: 'archive',
    filter: {
      updatedBefore: new Date(selection.before).toISOString(),
      ...(selection.model ? { model: selection.model } : {}),
      ...(selection.tenantId ? { tenantId: selection.tenantId } : {}),
      ...(selection.deletedOnly ? { deletedOnly: true } : {}),
    },
    knownModels: options.knownModels,
    ...(options.resume ? { resume: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onItems: (items) => options.onArchived?.(items),
  })
}
