// Groups as the Python services store them: `pk` = `sk` = `group#<id>`, indexes by owner and type,
// by tenant and type (both by name), and by tenant and creation time, without a tenant prefix.
import { buildKey, toCamelCase } from '../../models/index.js'
import { groups } from '../../resources/groups.js'
import type { PythonMapping, SourceItem } from './mapping.js'
import { pythonUnixSeconds } from './python-dates.js'

const FIELDS = {
  name: 'name',
  group_type: 'groupType',
  description: 'description',
  icon: 'icon',
  color: 'color',
  privacy_settings: 'privacySettings',
} as const

const key = (value: unknown) => value as string | number | null | undefined

export const groupMapping: PythonMapping = {
  resource: groups,
  attributes: Object.keys(FIELDS),
  keys: (item, createdInstant) => {
    const id = buildKey(['group', key(item.id)])
    const byName = buildKey(['name', key(item.name)])
    return {
      pk: id,
      sk: id,
      gsi1_pk: buildKey(['group', ''], ['user', key(item.user_id)], ['type', key(item.group_type)]),
      gsi1_sk: byName,
      gsi2_pk: buildKey(['group', ''], ['tenant', key(item.tenant_id)], ['type', key(item.group_type)]),
      gsi2_sk: byName,
      gsi3_pk: buildKey(['group', ''], ['tenant', key(item.tenant_id)]),
      gsi3_sk: buildKey(['created', pythonUnixSeconds(createdInstant)]),
    }
  },
  input: (item: SourceItem) => {
    const input: Record<string, unknown> = {}
    for (const [attribute, field] of Object.entries(FIELDS)) {
      const value = item[attribute]
      if (value !== undefined) input[field] = attribute === 'privacy_settings' ? camelKeys(value) : value
    }
    return input
  },
}

/** A map's keys in camelCase (`{ visibility }` stays as it is); anything else as it is. */
function camelKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  return Object.fromEntries(Object.entries(value).map(([name, entry]) => [toCamelCase(name), entry]))
}
