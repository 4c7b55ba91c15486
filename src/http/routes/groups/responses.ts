// The v2 group as responses carry it. Its fields are GROUP_RESPONSE_FIELDS, in that order.
import { z } from 'zod'
import { VISIBILITIES } from '../../../models/index.js'
import { timestamp } from '../../schemas/envelope.js'

export const GROUP_EXAMPLE = {
  id: '01HM4ZB3Q5X7K9N2P4R6T8V0WY',
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
  id: z.string().meta({ description: 'a ULID' }),
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

const itemError = z.strictObject({
  code: z
    .string()
    .meta({ description: 'VALIDATION_ERROR, or SERVICE_UNAVAILABLE when it could not be written' }),
  message: z.string(),
  details: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
})

/** What became of each item of a batch create. */
export const batchOutcomes = z
  .array(
    z.union([
      z.strictObject({ index: z.int().min(0), id: z.string().meta({ description: 'the new group’s id' }) }),
      z.strictObject({ index: z.int().min(0), error: itemError }),
    ]),
  )
  .meta({
    id: 'GroupBatchOutcomes',
    examples: [
      [
        { index: 0, id: GROUP_EXAMPLE.id },
        {
          index: 1,
          error: {
            code: 'VALIDATION_ERROR',
            message: 'invalid item',
            details: [{ field: 'name', message: 'Too small: expected string to have >=1 characters' }],
          },
        },
      ],
    ],
  })
