// What a run scans: every item but the migrations' own records, narrowed to one tenant (its
// partition keys, the tenant's own record included, start `tenant#<tenant>#`) or one model.
import { tenantKeyPrefix } from '../../models/index.js'
import type { ScanFilter } from '../parallel-scan.js'
import { RECORD_PREFIX } from './records.js'

export function scanFilter(options: { model?: string; tenant?: string }): ScanFilter {
  const terms = ['NOT begins_with(#pk, :records)']
  const names: Record<string, string> = { '#pk': 'pk' }
  const values: NonNullable<ScanFilter['values']> = { ':records': { S: RECORD_PREFIX } }
  if (options.tenant !== undefined) {
    terms.push('begins_with(#pk, :tenant)')
    values[':tenant'] = { S: tenantKeyPrefix(options.tenant) }
  }
  if (options.model !== undefined) {
    terms.push('#model_name = :model')
    names['#model_name'] = 'model_name'
    values[':model'] = { S: options.model }
  }
  return { expression: terms.join(' AND '), names, values }
}
