// What part of the table a backup holds, as the scan's filter. A filter saves no reads: DynamoDB
// reads (and charges for) every item of the table and drops the ones that do not match.
import { TENANT_ID_PATTERN, tenantKeyPrefix } from '../../models/index.js'
import type { ScanFilter, WireItem } from '../parallel-scan.js'
import { BackupError, type BackupFilter } from './manifest.js'

/** Checks a filter's values; throws a BackupError naming the bad one. */
export function checkFilter(filter: BackupFilter, knownModels?: readonly string[]): BackupFilter {
  if (filter.tenantId !== undefined && !TENANT_ID_PATTERN.test(filter.tenantId))
    throw new BackupError(`tenant ${JSON.stringify(filter.tenantId)} is no tenant id (${TENANT_ID_PATTERN})`)
  if (filter.model !== undefined && knownModels && !knownModels.includes(filter.model))
    throw new BackupError(
      `model ${JSON.stringify(filter.model)} is unknown; the models are ${knownModels.join(', ')}`,
    )
  if (filter.updatedBefore !== undefined && Number.isNaN(Date.parse(filter.updatedBefore)))
    throw new BackupError(`${JSON.stringify(filter.updatedBefore)} is no date`)
  return filter
}

/**
 * The scan filter that selects the filter's items. Every item a tenant owns, its own record
 * included, has a partition key starting `tenant#<id>#`; the record's entry in the platform's
 * tenant list is an index key of that same item, so it comes with it.
 */
export function scanFilter(filter: BackupFilter): ScanFilter | undefined {
  const terms: string[] = []
  const names: Record<string, string> = {}
  const values: ScanFilter['values'] = {}
  if (filter.tenantId !== undefined) {
    terms.push('begins_with(#pk, :tenant)')
    names['#pk'] = 'pk'
    values[':tenant'] = { S: tenantKeyPrefix(filter.tenantId) }
  }
  if (filter.model !== undefined) {
    terms.push('#model = :model')
    names['#model'] = 'model_name'
    values[':model'] = { S: filter.model }
  }
  if (filter.updatedBefore !== undefined) {
    terms.push('#updated < :before')
    names['#updated'] = 'updated_utc'
    values[':before'] = { S: new Date(filter.updatedBefore).toISOString() }
  }
  if (filter.deletedOnly) {
    terms.push('attribute_type(#deleted, :string)')
    names['#deleted'] = 'deleted_utc'
    values[':string'] = { S: 'S' }
  }
  if (terms.length === 0) return undefined
  return { expression: terms.join(' AND '), names, values }
}

/** Whether an item belongs to a tenant: the test restore applies to a full backup's items. */
export function ownedByTenant(item: WireItem, tenantId: string): boolean {
  return item.pk?.S?.startsWith(tenantKeyPrefix(tenantId)) ?? false
}
