// Offboarding a tenant: every item it owns is deleted, after its export has been verified and the
// table found unchanged since the export started (tenant-export-check.ts). The tenant's record is
// kept, `offboarded`, so its tokens get 403 (a tenant without a record would count as active), and
// the platform's audit log records the purge. Per model: exported = deleted + kept + gone (+ the
// record, kept offboarded); anything written after the check (a request admitted before the
// status reached every instance) is kept, reported, and left for a second export and purge.
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { sleep } from '../../db/backoff.js'
import { fromWire, toWire } from '../../db/wire.js'
import { fromItem, initialise, primaryKeyOf, TENANT_ID_PATTERN, Tenant, toItem } from '../../models/index.js'
import { BackupError, type BackupStore, keyText, type Manifest, modelOf } from '../backup/index.js'
import { itemHash } from '../item-digest.js'
import { withBackoff } from '../migrate/write.js'
import type { WireItem } from '../parallel-scan.js'
import { DELETE_BACKOFF, type DeleteOutcome, deleteIfUnchanged } from './conditional-delete.js'
import { type PlatformAuditEntry, writePlatformAudit } from './platform-audit.js'
import { checkNothingWrittenSince, scanTenant, verifiedTenantExport } from './tenant-export-check.js'

export interface PurgeOptions {
  client: DynamoDBClient
  tableName: string
  tenantId: string
  /** Must repeat the tenant id. */
  confirm: string
  /** The tenant's export (npm run tenant:export). */
  source: BackupStore
  /** Who runs it, for the platform's audit log. */
  actor: string
  segments: number
  /** Deletes in flight at once. */
  concurrency: number
  /** After offboarding, before deleting: long enough for every instance to stop admitting the tenant. */
  settleMs: number
  signal?: AbortSignal
  now?: () => Date
  onDeleted?: (outcome: DeleteOutcome | 'written since') => void
}

export interface PurgeTally {
  exported: number
  deleted: number
  /** Exported, then changed or recreated before its delete: kept. */
  kept: number
  /** Exported, and deleted by something else since. */
  gone: number
  /** The tenant's record, kept as `offboarded`. */
  offboarded: number
}

export interface PurgeSummary {
  export: Manifest
  counts: Record<string, PurgeTally>
  /** Items not in the export (written after the check): kept; a new export and purge take them. */
  writtenSince: string[]
  reconciled: boolean
  stopped: boolean
  audit: PlatformAuditEntry
}

export async function purgeTenant(options: PurgeOptions): Promise<PurgeSummary> {
  const { client, tableName, tenantId } = options
  const now = options.now ?? (() => new Date())
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new BackupError(`${JSON.stringify(tenantId)} is no tenant id`)
  if (options.confirm !== tenantId)
    throw new BackupError(`--confirm must repeat the tenant id exactly (${tenantId}); nothing was deleted`)
  const exported = await verifiedTenantExport(options.source, tenantId, tableName)
  const recordKey = primaryKeyOf(Object.assign(new Tenant(), { tenantId }))
  const recordText = `${recordKey.pk} | ${recordKey.sk}`
  const { signal: _signal, ...unstoppable } = options
  // Read whole: a check cut short would see less than there is. A record offboarded by an earlier,
  // stopped run of the purge is that run's doing, not a write the export lacks.
  await checkNothingWrittenSince(
    unstoppable,
    exported,
    (item) => keyText(item) === recordText && item.status?.S === 'offboarded',
  )
  if (options.signal?.aborted) throw new BackupError('stopped before anything was changed')
  await offboard(options, now())
  if (options.settleMs > 0) await sleep(options.settleMs)

  const counts: Record<string, PurgeTally> = {}
  for (const [model, count] of Object.entries(exported.manifest.counts))
    counts[model] = { exported: count, deleted: 0, kept: 0, gone: 0, offboarded: 0 }
  const tally = (model: string) => {
    counts[model] ??= { exported: 0, deleted: 0, kept: 0, gone: 0, offboarded: 0 }
    return counts[model]
  }
  const seen = new Set<string>()
  const writtenSince: string[] = []
  await scanTenant(options, async (page) => {
    const deletes: WireItem[] = []
    for (const item of page.items) {
      const key = keyText(item)
      const copy = exported.items.get(key)
      if (key === recordText) {
        if (copy) tally(copy.model).offboarded++
        seen.add(key)
      } else if (!copy) {
        writtenSince.push(key)
        options.onDeleted?.('written since')
      } else {
        seen.add(key)
        if (copy.hash === itemHash(item)) deletes.push(item)
        else {
          tally(copy.model).kept++
          options.onDeleted?.('changed')
        }
      }
    }
    for (let start = 0; start < deletes.length; start += options.concurrency) {
      const chunk = deletes.slice(start, start + options.concurrency)
      const outcomes = await Promise.all(chunk.map((item) => deleteIfUnchanged(client, tableName, item)))
      outcomes.forEach((outcome, n) => {
        const model = modelOf(chunk[n] as WireItem)
        if (outcome === 'deleted') tally(model).deleted++
        else if (outcome === 'changed') tally(model).kept++
        else tally(model).gone++
        options.onDeleted?.(outcome)
      })
    }
  })
  const stopped = options.signal?.aborted ?? false
  if (!stopped) for (const [key, { model }] of exported.items) if (!seen.has(key)) tally(model).gone++
  const reconciled = Object.values(counts).every(
    (t) => t.exported === t.deleted + t.kept + t.gone + t.offboarded,
  )

  const audit = await writePlatformAudit(client, tableName, {
    action: 'tenant_purge',
    entityType: 'tenant',
    entityId: tenantId,
    actor: options.actor,
    timestamp: now().toISOString(),
    details: {
      export: options.source.location,
      exportStartedAt: exported.manifest.startedAt,
      exportChecksum: exported.manifest.checksum,
      counts,
      writtenSince: writtenSince.length,
      stopped,
    },
  })
  return { export: exported.manifest, counts, writtenSince: writtenSince.sort(), reconciled, stopped, audit }
}

/** The record, offboarded (a tombstone when the tenant had none), on condition it is unchanged. */
async function offboard(options: PurgeOptions, at: Date): Promise<void> {
  const { client, tableName, tenantId } = options
  const key = primaryKeyOf(Object.assign(new Tenant(), { tenantId }))
  const stored = await withBackoff(DELETE_BACKOFF, () =>
    client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        ConsistentRead: true,
      }),
    ),
  )
  if (stored.Item?.status?.S === 'offboarded') return
  const record = stored.Item
    ? fromItem(Tenant, fromWire(stored.Item))
    : Object.assign(initialise(new Tenant(), at, Tenant.modelVersion, tenantId), { tenantId, name: tenantId })
  const expected = stored.Item ? record.version : undefined
  if (stored.Item) record.version += 1
  record.status = 'offboarded'
  record.updatedUtc = at.toISOString()
  await withBackoff(DELETE_BACKOFF, () =>
    client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: toWire(toItem(record)),
        ...(expected === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': { N: String(expected) } },
            }),
      }),
    ),
  )
}
