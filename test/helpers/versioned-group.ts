// A test-only history for groups: the shape Group stores today as version 3 of one that began
// differently. Version 1 named the type `type`, said `is_private` instead of privacy settings, and
// kept icon and color together in `badge` ("book #ff0000"); its gsi1 keys left out the owner.
import { Group as StoredGroup, type Upcasters } from '../../src/models/index.js'

/** v1 → v2: `type` is renamed `group_type`. */
export function renameType({ type, ...rest }: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return type === undefined ? rest : { ...rest, group_type: type }
}

/** v2 → v3: privacy settings replace `is_private` (private unless it says false), `badge` is split. */
export function privacyAndBadge({
  is_private,
  badge,
  ...rest
}: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...rest,
    privacy_settings: { visibility: is_private === false ? 'tenant' : 'private' },
  }
  if (typeof badge === 'string') {
    const [icon, color] = badge.trim().split(/\s+/, 2)
    if (icon) item.icon = icon
    if (color) item.color = color
  }
  return item
}

/** Named Group so that it reads and writes the items of groups (`model_name` group). */
export class Group extends StoredGroup {
  static override readonly modelVersion: number = 3
  static readonly upcasters: Upcasters = { 1: renameType, 2: privacyAndBadge }
}

export const VersionedGroup = Group

/** A group item as version 1 stored it, keys and all. */
export function v1Item(fields: {
  tenantId: string
  userId: string
  id: string
  name: string
  type: string
  isPrivate?: boolean
  badge?: string
  createdUtc?: string
}): Record<string, unknown> {
  const id = fields.id.toLowerCase()
  const created = fields.createdUtc ?? '2024-01-15T09:50:00.000Z'
  const name = fields.name.toLowerCase()
  return {
    pk: `tenant#${fields.tenantId}#group#${id}`,
    sk: `group#${id}`,
    gsi1_pk: `tenant#${fields.tenantId}#group#type#${fields.type}`,
    gsi1_sk: `name#${name}`,
    gsi2_pk: `tenant#${fields.tenantId}#group#type#${fields.type}`,
    gsi2_sk: `name#${name}#id#${id}`,
    gsi3_pk: `tenant#${fields.tenantId}#group`,
    gsi3_sk: `created#${Math.floor(Date.parse(created) / 1000)}#id#${id}`,
    model_name: 'group',
    model_version: 1,
    id: fields.id,
    tenant_id: fields.tenantId,
    user_id: fields.userId,
    name: fields.name,
    description: null,
    type: fields.type,
    ...(fields.isPrivate === undefined ? {} : { is_private: fields.isPrivate }),
    ...(fields.badge === undefined ? {} : { badge: fields.badge }),
    created_utc: created,
    updated_utc: created,
    version: 1,
  }
}
