// The v2 group as responses carry it. Its fields are GROUP_RESPONSE_FIELDS, in that order.
import { z } from 'zod'
import { VISIBILITIES } from '../../../models/index.js'
import { timestamp } from '../../schemas/envelope.js'
import { batchOutcomesOf, EXAMPLE_ID } from '../../schemas/resource-schemas.js'

export const GROUP_EXAMPLE = {
  id: EXAMPLE_ID,
  tenantId: 'acme',
  userId: 'alice',
  name: 'Platform team',
  description: 'Runs the platform',
  groupType: 'team',
  icon: null,
  color: '#00ff00',
  privacySettings: { visibility: 'tenant' },
  version: 1,
  createdUtc: '2024-01-15T10:00:00.000Z',
  updatedUtc: '2024-01-15T10:00:00.000Z',
} as const

const groupShape = {
  id: z.string().meta({ description: 'opaque: a ULID for new items, an imported item keeps its own id' }),
  tenantId: z.string(),
  userId: z.string().meta({ description: 'the owner’s sub; `#platform` when a platform admin created it' }),
  name: z.string(),
  description: z.string().nullable(),
  groupType: z.string(),
  icon: z.string().nullable(),
  color: z.string().nullable(),
  privacySettings: z.strictObject({ visibility: z.enum(VISIBILITIES) }),
  version: z.int().min(1).meta({ description: 'grows with every change; the ETag' }),
  createdUtc: timestamp,
  updatedUtc: timestamp,
}

export const group = z.strictObject(groupShape).meta({ id: 'Group', examples: [GROUP_EXAMPLE] })

/** A listed group: all fields, or only those `fields=` names. */
export const listedGroup = z
  .strictObject(groupShape)
  .partial()
  .meta({
    id: 'ListedGroup',
    description: 'a group; only the fields named by `fields=` when it is given',
    examples: [GROUP_EXAMPLE, { id: GROUP_EXAMPLE.id, name: GROUP_EXAMPLE.name }],
  })

/** What became of each item of a batch create. */
export const batchOutcomes = batchOutcomesOf('Group', 'group')
