// The v2 group shapes. zod is the single source of truth: validation, types and the OpenAPI document.
import { z } from 'zod'
import { VISIBILITIES } from '../../../models/index.js'
import { checkedItem } from '../../schemas/batch-items.js'
import { createdRangeParameters, fieldList, pageParameters } from '../../schemas/list-query.js'
import { idParams } from '../../schemas/resource-schemas.js'

/** The most items one batch create takes. */
export const MAX_GROUP_BATCH = 1000

export const GROUP_TYPE_PATTERN = /^[a-z0-9_-]{1,50}$/
const GROUP_TYPE_MESSAGE = 'groupType must match ^[a-z0-9_-]{1,50}$'

const privacySettings = z.strictObject({ visibility: z.enum(VISIBILITIES) })

const groupFields = {
  name: z.string().trim().min(1).max(200),
  // The length again, so that the longest valid body can be computed (see json-size.ts).
  groupType: z
    .string()
    .max(50, { message: GROUP_TYPE_MESSAGE, abort: true })
    .regex(GROUP_TYPE_PATTERN, GROUP_TYPE_MESSAGE),
  description: z.string().max(2000).nullable().optional(),
  icon: z.string().max(200).nullable().optional(),
  color: z.string().max(50).nullable().optional(),
  privacySettings: privacySettings.optional(),
}

export const createGroupBody = z.strictObject(groupFields).meta({
  id: 'CreateGroup',
  examples: [{ name: 'Platform team', groupType: 'team', privacySettings: { visibility: 'tenant' } }],
})

/** Items are checked one by one, so one bad item does not refuse the others. */
export const batchCreateGroupsBody = z
  .strictObject({
    items: z
      .array(checkedItem(createGroupBody, 'a group body, as for POST /groups'))
      .min(1)
      .max(MAX_GROUP_BATCH),
  })
  .meta({
    id: 'CreateGroupBatch',
    examples: [
      {
        items: [
          { name: 'Platform team', groupType: 'team' },
          { name: 'Guild', groupType: 'guild' },
        ],
      },
    ],
  })

export const updateGroupBody = z
  .strictObject(groupFields)
  .partial()
  .refine((changes) => Object.keys(changes).length > 0, { message: 'at least one field must be given' })
  .meta({ id: 'UpdateGroup', examples: [{ description: 'Runs the platform' }] })

export const groupParams = idParams

export const GROUP_RESPONSE_FIELDS = [
  'id',
  'tenantId',
  'userId',
  'name',
  'description',
  'groupType',
  'icon',
  'color',
  'privacySettings',
  'version',
  'createdUtc',
  'updatedUtc',
] as const

export const listGroupsQuery = z
  .strictObject({
    scope: z.enum(['mine']).optional(),
    groupType: z.string().regex(GROUP_TYPE_PATTERN, GROUP_TYPE_MESSAGE).optional(),
    ...createdRangeParameters,
    ...pageParameters,
    fields: fieldList(GROUP_RESPONSE_FIELDS).optional(),
  })
  .superRefine((query, context) => {
    if (query.scope === 'mine' && !query.groupType) {
      context.addIssue({ code: 'custom', path: ['groupType'], message: 'scope=mine needs a groupType' })
    }
  })

export type ListGroupsQuery = z.infer<typeof listGroupsQuery>
