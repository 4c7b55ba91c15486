// Groups in API v1: `type` instead of `groupType`, and `isPrivate: boolean` instead of
// `privacySettings.visibility` (private ↔ true; false ↔ tenant, so a public group reads as false).
// The v1 schemas are derived from the v2 ones, so everything else stays the same in both.
import { z } from 'zod'
import type { PrivacySettings } from '../../../models/index.js'
import { type CheckedItem, checkedItem } from '../../schemas/batch-items.js'
import { fieldList } from '../../schemas/list-query.js'
import {
  type FieldRenames,
  fieldNameToCurrent,
  fieldNameToVersion,
  fieldsToCurrent,
  fieldsToVersion,
  shapeToVersion,
} from '../../versioning/field-renames.js'
import type { SchemaChange } from '../../versioning/schema-change.js'
import { GROUP_EXAMPLE, group, listedGroup } from './responses.js'
import {
  batchCreateGroupsBody,
  createGroupBody,
  GROUP_RESPONSE_FIELDS,
  listGroupsQuery,
  MAX_GROUP_BATCH,
  updateGroupBody,
} from './schemas.js'

export const GROUP_RENAMES_V1: FieldRenames = {
  groupType: { name: 'type' },
  privacySettings: {
    name: 'isPrivate',
    toVersion: (settings: PrivacySettings) => settings.visibility === 'private',
    toCurrent: (isPrivate: boolean): PrivacySettings => ({ visibility: isPrivate ? 'private' : 'tenant' }),
  },
}

const isPrivate = z.boolean().meta({
  description: 'true: only the owner and tenant admins may read it; false: everyone in the tenant',
})

const bodyShape = shapeToVersion(createGroupBody.shape, GROUP_RENAMES_V1, { isPrivate: isPrivate.optional() })

export const createGroupBodyV1 = z.strictObject(bodyShape).meta({
  id: 'CreateGroupV1',
  examples: [{ name: 'Platform team', type: 'team', isPrivate: false }],
})

export const updateGroupBodyV1 = z
  .strictObject(bodyShape)
  .partial()
  .refine((changes) => Object.keys(changes).length > 0, { message: 'at least one field must be given' })
  .meta({ id: 'UpdateGroupV1', examples: [{ isPrivate: true }] })

const V1_RESPONSE_FIELDS = GROUP_RESPONSE_FIELDS.map((field) => fieldNameToVersion(GROUP_RENAMES_V1, field))
const [firstField = 'id', ...otherFields] = V1_RESPONSE_FIELDS
const fieldListV1 = fieldList([firstField, ...otherFields])

export const listGroupsQueryV1 = z
  .strictObject(shapeToVersion(listGroupsQuery.shape, GROUP_RENAMES_V1, { fields: fieldListV1.optional() }))
  .superRefine((query, context) => {
    if (query.scope === 'mine' && !query.type) {
      context.addIssue({ code: 'custom', path: ['type'], message: 'scope=mine needs a type' })
    }
  })

const groupV1Shape = shapeToVersion(group.shape, GROUP_RENAMES_V1, { isPrivate })
const GROUP_EXAMPLE_V1 = fieldsToVersion(GROUP_RENAMES_V1, GROUP_EXAMPLE)

export const groupV1 = z.strictObject(groupV1Shape).meta({ id: 'GroupV1', examples: [GROUP_EXAMPLE_V1] })

export const listedGroupV1 = z
  .strictObject(groupV1Shape)
  .partial()
  .meta({
    id: 'ListedGroupV1',
    description: 'a group; only the fields named by `fields=` when it is given',
    examples: [GROUP_EXAMPLE_V1],
  })

const bodyToCurrent = (body: unknown) => fieldsToCurrent(GROUP_RENAMES_V1, body)
const groupToVersion = (value: unknown) => fieldsToVersion(GROUP_RENAMES_V1, value)

function listQueryToCurrent(query: unknown): unknown {
  const converted = fieldsToCurrent(GROUP_RENAMES_V1, query) as { fields?: string[] }
  if (converted.fields)
    converted.fields = converted.fields.map((f) => fieldNameToCurrent(GROUP_RENAMES_V1, f))
  return converted
}

/** Valid items in v2 names; invalid ones were refused by the v1 item schema, in v1 names. */
function batchToCurrent(body: unknown): unknown {
  const { items } = body as { items: CheckedItem<unknown>[] }
  return { items: items.map((item) => (item.valid ? { ...item, value: bodyToCurrent(item.value) } : item)) }
}

export const batchCreateGroupsBodyV1 = z
  .strictObject({
    items: z
      .array(checkedItem(createGroupBodyV1, 'a v1 group body, as for POST /v1/groups'))
      .min(1)
      .max(MAX_GROUP_BATCH),
  })
  .meta({
    id: 'CreateGroupBatchV1',
    examples: [{ items: [{ name: 'Platform team', type: 'team', isPrivate: false }] }],
  })

export const GROUP_CHANGES_V1: readonly SchemaChange[] = [
  { current: batchCreateGroupsBody, version: batchCreateGroupsBodyV1, toCurrent: batchToCurrent },
  { current: createGroupBody, version: createGroupBodyV1, toCurrent: bodyToCurrent },
  { current: updateGroupBody, version: updateGroupBodyV1, toCurrent: bodyToCurrent },
  { current: listGroupsQuery, version: listGroupsQueryV1, toCurrent: listQueryToCurrent },
  { current: group, version: groupV1, toVersion: groupToVersion },
  { current: listedGroup, version: listedGroupV1, toVersion: groupToVersion },
]
