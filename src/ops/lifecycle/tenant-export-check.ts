// What a purge needs before it deletes anything: an export of the tenant that is complete (its
// manifest and every part verified), of this tenant only and of this table, with no filter but the
// tenant; and a table in which every item of the tenant is still exactly as exported (nothing
// written, changed or recreated since the export started). Items deleted since are no loss.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { tenantKeyPrefix } from '../../models/index.js'
import {
  BackupError,
  type BackupStore,
  keyText,
  type Manifest,
  modelOf,
  readBackup,
} from '../backup/index.js'
import { itemHash } from '../item-digest.js'
import { parallelScan, type ScanPage, type WireItem } from '../parallel-scan.js'

export interface ExportedItem {
  hash: string
  model: string
}

export interface VerifiedExport {
  manifest: Manifest
  /** Every exported item by key (`pk | sk`). */
  items: Map<string, ExportedItem>
}

/** Keys listed in a refusal; the count says how many there are in all. */
const LISTED_KEYS = 10

export async function verifiedTenantExport(
  source: BackupStore,
  tenantId: string,
  tableName: string,
): Promise<VerifiedExport> {
  const backup = await readBackup(source)
  const { manifest } = backup
  const where = source.location
  if (manifest.kind !== 'tenant-export')
    throw new BackupError(`${where} is a ${manifest.kind}, not a tenant export (npm run tenant:export)`)
  if (manifest.filter.tenantId !== tenantId)
    throw new BackupError(`${where} exports tenant ${manifest.filter.tenantId ?? '(none)'}, not ${tenantId}`)
  const { model, updatedBefore, deletedOnly } = manifest.filter
  if (model !== undefined || updatedBefore !== undefined || deletedOnly)
    throw new BackupError(`${where} holds only part of the tenant's items (filtered by more than the tenant)`)
  if (manifest.table.name !== tableName)
    throw new BackupError(`${where} was exported from table ${manifest.table.name}, not ${tableName}`)
  // Offboarding an id that holds nothing would only reserve it (a typo?).
  if (manifest.items === 0)
    throw new BackupError(`${where} holds no item: tenant ${tenantId} has no data to purge`)
  const items = new Map<string, ExportedItem>()
  for await (const item of backup.items())
    items.set(keyText(item), { hash: itemHash(item), model: modelOf(item) })
  return { manifest, items }
}

/** Reads every item of the tenant, consistently, page by page. */
export function scanTenant(
  options: {
    client: DynamoDBClient
    tableName: string
    tenantId: string
    segments: number
    signal?: AbortSignal
  },
  onPage: (page: ScanPage) => Promise<void> | void,
) {
  return parallelScan(
    {
      client: options.client,
      tableName: options.tableName,
      segments: options.segments,
      consistentRead: true,
      filter: {
        expression: 'begins_with(#pk, :tenant)',
        names: { '#pk': 'pk' },
        values: { ':tenant': { S: tenantKeyPrefix(options.tenantId) } },
      },
      ...(options.signal ? { signal: options.signal } : {}),
    },
    onPage,
  )
}

/** Refuses (BackupError) when an item of the tenant was written since the export started. */
export async function checkNothingWrittenSince(
  options: { client: DynamoDBClient; tableName: string; tenantId: string; segments: number },
  exported: VerifiedExport,
  /** Items whose change since is expected (the record a stopped purge offboarded). */
  expected: (item: WireItem) => boolean = () => false,
): Promise<void> {
  const since: string[] = []
  await scanTenant(options, (page) => {
    for (const item of page.items) {
      const key = keyText(item)
      if (exported.items.get(key)?.hash !== itemHash(item) && !expected(item)) since.push(key)
    }
  })
  if (since.length === 0) return
  const listed = since.sort().slice(0, LISTED_KEYS).join('; ')
  throw new BackupError(
    `the export (started ${exported.manifest.startedAt}) is older than the tenant's last write: ${since.length} items were written or changed since (${listed}${since.length > LISTED_KEYS ? '; …' : ''}); export the tenant again`,
  )
}
