import t from 'tap'
import type { z } from 'zod'
import { group, listedGroup } from '../../../../src/http/routes/groups/responses.js'
import {
  createGroupBody,
  listGroupsQuery,
  updateGroupBody,
} from '../../../../src/http/routes/groups/schemas.js'
import { GROUP_CHANGES_V1, groupV1 } from '../../../../src/http/routes/groups/v1.js'
import type { SchemaChange } from '../../../../src/http/versioning/schema-change.js'
import { Group } from '../../../../src/models/index.js'
import { groups } from '../../../../src/resources/groups.js'

const presentGroup = (group: Group, fields?: readonly string[]) => groups.present(group, fields)

function changeOf(current: z.ZodType): SchemaChange {
  const change = GROUP_CHANGES_V1.find((candidate) => candidate.current === current)
  if (!change) throw new Error('no v1 change for this schema')
  return change
}

/** Parses a v1 request part and converts it, as a v1 route does before the handler runs. */
function v1Request(current: z.ZodType, value: unknown) {
  const change = changeOf(current)
  return change.toCurrent?.(change.version.parse(value))
}

t.test('a v1 body becomes the v2 body the handlers expect', async (t) => {
  t.strictSame(v1Request(createGroupBody, { name: ' Ops ', type: 'team', isPrivate: true }), {
    name: 'Ops',
    groupType: 'team',
    privacySettings: { visibility: 'private' },
  })
  t.strictSame(v1Request(createGroupBody, { name: 'Ops', type: 'team', isPrivate: false }), {
    name: 'Ops',
    groupType: 'team',
    privacySettings: { visibility: 'tenant' },
  })
  t.strictSame(
    v1Request(createGroupBody, { name: 'Ops', type: 'team' }),
    { name: 'Ops', groupType: 'team' },
    'no isPrivate: the v2 default applies',
  )
  t.strictSame(v1Request(updateGroupBody, { isPrivate: false }), {
    privacySettings: { visibility: 'tenant' },
  })
  t.throws(() => v1Request(updateGroupBody, {}), 'an empty v1 update is refused as in v2')
  t.throws(
    () => v1Request(createGroupBody, { name: 'Ops', type: 'Not Valid' }),
    'type keeps the groupType rules',
  )
})

t.test('a v1 list query becomes the v2 query', async (t) => {
  const query = v1Request(listGroupsQuery, {
    scope: 'mine',
    type: 'team',
    fields: 'id,type,isPrivate',
    limit: '5',
  })
  t.strictSame(query, {
    scope: 'mine',
    groupType: 'team',
    order: 'desc',
    limit: 5,
    fields: ['id', 'groupType', 'privacySettings'],
  })
  t.strictSame(
    listGroupsQuery.parse({
      scope: 'mine',
      groupType: 'team',
      fields: 'id,groupType,privacySettings',
      limit: '5',
    }),
    query,
  )
})

t.test('a v2 group reads in v1 as type and isPrivate', async (t) => {
  const toV1 = (visibility: 'private' | 'tenant' | 'public') => {
    const stored = Object.assign(new Group(), {
      id: '01HM4ZB3Q5X7K9N2P4R6T8V0WY',
      tenantId: 'acme',
      userId: 'alice',
      name: 'Ops',
      groupType: 'team',
      privacySettings: { visibility },
      version: 3,
      createdUtc: '2024-01-15T10:00:00.000Z',
      updatedUtc: '2024-01-16T10:00:00.000Z',
    })
    return changeOf(group).toVersion?.(presentGroup(stored))
  }
  const privateGroup = toV1('private') as Record<string, unknown>
  t.equal(privateGroup.isPrivate, true)
  t.equal(privateGroup.type, 'team')
  t.same(groupV1.parse(privateGroup), privateGroup, 'valid against the v1 schema')
  t.notOk('groupType' in privateGroup || 'privacySettings' in privateGroup)
  t.equal((toV1('tenant') as { isPrivate: boolean }).isPrivate, false)
  t.equal(
    (toV1('public') as { isPrivate: boolean }).isPrivate,
    false,
    'a v1 client sees a public group as not private',
  )

  const projected = changeOf(listedGroup).toVersion?.({ id: 'x', privacySettings: { visibility: 'public' } })
  t.strictSame(projected, { id: 'x', isPrivate: false }, 'projections convert the fields they have')
})
