// Groups: a tenant's teams, guilds and the like, each owned by the user who created it and readable
// by the tenant when its visibility says so.
import { eq, ne, or } from '../db/filter.js'
import { batchOutcomes, group, listedGroup } from '../http/routes/groups/responses.js'
import {
  batchCreateGroupsBody,
  createGroupBody,
  GROUP_RESPONSE_FIELDS,
  groupParams,
  type ListGroupsQuery,
  listGroupsQuery,
  MAX_GROUP_BATCH,
  updateGroupBody,
} from '../http/routes/groups/schemas.js'
import { GROUP_CHANGES_V1 } from '../http/routes/groups/v1.js'
import { maxBatchBytes } from '../http/schemas/batch-items.js'
import { presenter } from '../http/schemas/resource-schemas.js'
import { Group } from '../models/index.js'
import { can } from '../services/permissions.js'
import type { RequestContext } from '../services/request-context.js'
import { createdTimeList, partitionList } from '../services/resource-lists.js'
import { defineResource } from './define-resource.js'

/**
 * Room for a full batch of the largest valid items, each string at its maximum length in the widest
 * characters JSON.stringify writes (about 15 KB an item, 14.4 MiB in all).
 */
export const BATCH_BODY_LIMIT_BYTES = maxBatchBytes(createGroupBody, MAX_GROUP_BATCH)

const canWrite = (context: RequestContext, item: Group) =>
  item.userId === context.userId || can(context, 'administer_tenant')

/** The caller's own groups of one type, by name (gsi1). */
const mine = partitionList<Group, ListGroupsQuery>(
  'gsi1',
  (context, query) => ({
    tenantId: context.tenantId,
    userId: context.userId,
    groupType: query.groupType ?? '',
  }),
  { filtered: false },
)
/** The tenant's groups of one type that the caller may read, by name (gsi2). */
const ofType = partitionList<Group, ListGroupsQuery>(
  'gsi2',
  (context, query) => ({ tenantId: context.tenantId, groupType: query.groupType ?? '' }),
  { filtered: true },
)
/** The tenant's groups that the caller may read, by creation time (gsi3). */
const byCreation = createdTimeList<Group, ListGroupsQuery>('gsi3', (context) => ({
  tenantId: context.tenantId,
}))

export const groups = defineResource({
  model: Group,
  path: '/groups',
  noun: 'group',

  access: {
    read: (context, item) => canWrite(context, item) || item.privacySettings.visibility !== 'private',
    write: canWrite,
    writeRefusal: 'only the owner or a tenant admin may change this group',
    // Everyone sees their own groups and the non-private ones; admins see all of the tenant's.
    listFilter: (context) =>
      can(context, 'administer_tenant')
        ? undefined
        : or(eq('userId', context.userId), ne('privacySettings.visibility', 'private')),
  },
  create: (item, input) => applyChanges(item, { privacySettings: { visibility: 'private' }, ...input }),
  update: applyChanges,

  schemas: {
    create: createGroupBody,
    update: updateGroupBody,
    params: groupParams,
    listQuery: listGroupsQuery,
    item: group,
    listed: listedGroup,
    batch: { body: batchCreateGroupsBody, outcomes: batchOutcomes },
  },
  present: presenter(GROUP_RESPONSE_FIELDS),
  pickList: (query) => ({
    list: query.scope === 'mine' && query.groupType ? mine : query.groupType ? ofType : byCreation,
    params: query,
  }),
  batch: { max: MAX_GROUP_BATCH, bodyLimitBytes: BATCH_BODY_LIMIT_BYTES },
  versions: { v1: GROUP_CHANGES_V1, v2: [] },

  docs: {
    create: 'Create a group',
    read: 'Read a group',
    update: 'Change some fields of a group',
    delete: 'Delete a group',
    list: {
      summary: 'List groups',
      description:
        'With scope=mine and a group type: the caller’s groups of that type, by name. With a group type ' +
        'alone: the tenant’s groups of that type, by name. Otherwise: the tenant’s groups by creation time.',
      response: 'one page of the groups the caller may read',
    },
    batch: {
      summary: 'Create up to 1000 groups',
      description:
        'Each item is a group body as for POST /groups. Valid items are all written (each with its audit ' +
        'entry); each outcome says the id it got or why it was not written, by index. Nothing is dropped.',
    },
  },
})

type GroupChanges = Partial<
  Pick<Group, 'name' | 'groupType' | 'description' | 'icon' | 'color' | 'privacySettings'>
>

function applyChanges(group: Group, changes: GroupChanges): void {
  if (changes.name !== undefined) group.name = changes.name
  if (changes.groupType !== undefined) group.groupType = changes.groupType
  if (changes.description !== undefined) group.description = changes.description
  if (changes.icon !== undefined) group.icon = changes.icon
  if (changes.color !== undefined) group.color = changes.color
  if (changes.privacySettings !== undefined) group.privacySettings = { ...changes.privacySettings }
}
