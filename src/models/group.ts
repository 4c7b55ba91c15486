import type { IndexDefinitions } from './indexes.js'
import { buildKey, tenantKey } from './key.js'
import { TenantModel } from './model.js'

export const VISIBILITIES = ['private', 'tenant', 'public'] as const
export type Visibility = (typeof VISIBILITIES)[number]

export interface PrivacySettings {
  visibility: Visibility
}

export class Group extends TenantModel {
  static readonly modelVersion: number = 1
  static readonly fields = [
    'tenantId',
    'userId',
    'name',
    'description',
    'groupType',
    'icon',
    'color',
    'privacySettings',
  ] as const

  /**
   * primary: one group by id
   * gsi1: a user's groups of one type, by name        (GET /v2/groups?scope=mine&groupType=)
   * gsi2: a tenant's groups of one type, by name      (GET /v2/groups?groupType=)
   * gsi3: a tenant's groups by creation time          (GET /v2/groups)
   * Sort keys end in the id so that equal names or seconds still sort the same way every time.
   */
  static readonly indexes = {
    primary: {
      pk: (g) => tenantKey(g.tenantId, ['group', g.id]),
      sk: (g) => buildKey(['group', g.id]),
    },
    gsi1: {
      pk: (g) => tenantKey(g.tenantId, ['user', g.userId], ['group', ''], ['type', g.groupType]),
      sk: (g) => buildKey(['name', g.name], ['id', g.id]),
    },
    gsi2: {
      pk: (g) => tenantKey(g.tenantId, ['group', ''], ['type', g.groupType]),
      sk: (g) => buildKey(['name', g.name], ['id', g.id]),
    },
    gsi3: {
      pk: (g) => tenantKey(g.tenantId, ['group', '']),
      sk: (g) => buildKey(['created', unixSeconds(g.createdUtc)], ['id', g.id]),
    },
  } satisfies IndexDefinitions<Group>

  name = ''
  description: string | null = null
  groupType = ''
  icon: string | null = null
  color: string | null = null
  privacySettings: PrivacySettings = { visibility: 'private' }
}

export function unixSeconds(isoTimestamp: string): number {
  return Math.floor(Date.parse(isoTimestamp) / 1000)
}
