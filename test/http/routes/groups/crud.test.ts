import { GetCommand } from '@aws-sdk/lib-dynamodb'
import t from 'tap'
import { fromItem, Group } from '../../../../src/models/index.js'
import { buildTestApp } from '../../../helpers/app.js'

t.test('create, read, update and delete a group through HTTP', async (t) => {
  const { as, document, tableName } = await buildTestApp(t)
  const alice = as('acme', 'alice', ['member'])

  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'Platform team', groupType: 'team', description: 'Runs the platform', color: '#00ff00' },
  })
  t.equal(created.statusCode, 201)
  const group = created.json().data
  t.match(group, {
    tenantId: 'acme',
    userId: 'alice',
    name: 'Platform team',
    groupType: 'team',
    description: 'Runs the platform',
    color: '#00ff00',
    icon: null,
    privacySettings: { visibility: 'private' },
    version: 1,
  })
  t.match(group.id, /^[0-9A-Z]{26}$/)
  t.equal(created.headers.location, `/v2/groups/${group.id}`)
  t.equal(created.headers.etag, '"1"')
  t.equal(created.json().success, true)
  t.ok(Date.parse(created.json().timestamp))

  const read = await alice({ method: 'GET', url: `/v2/groups/${group.id}` })
  t.equal(read.statusCode, 200)
  t.same(read.json().data, group)
  t.equal(read.headers.etag, '"1"')

  const updated = await alice({
    method: 'PATCH',
    url: `/v2/groups/${group.id}`,
    headers: { 'if-match': '"1"' },
    payload: { name: 'Platform guild', privacySettings: { visibility: 'tenant' } },
  })
  t.equal(updated.statusCode, 200)
  t.match(updated.json().data, {
    name: 'Platform guild',
    version: 2,
    privacySettings: { visibility: 'tenant' },
  })
  t.equal(updated.headers.etag, '"2"')
  t.equal(updated.json().data.createdUtc, group.createdUtc)

  const raw = await document.send(
    new GetCommand({
      TableName: tableName,
      Key: { pk: `tenant#acme#group#${group.id.toLowerCase()}`, sk: `group#${group.id.toLowerCase()}` },
    }),
  )
  t.match(raw.Item, {
    pk: `tenant#acme#group#${group.id.toLowerCase()}`,
    gsi1_pk: 'tenant#acme#user#alice#group#type#team',
    gsi2_pk: 'tenant#acme#group#type#team',
    gsi3_pk: 'tenant#acme#group',
    gsi1_sk: `name#platform guild#id#${group.id.toLowerCase()}`,
    model_name: 'group',
    model_version: 1,
    tenant_id: 'acme',
    user_id: 'alice',
    group_type: 'team',
    privacy_settings: { visibility: 'tenant' },
    created_utc: group.createdUtc,
    version: 2,
  })
  t.notOk('groupType' in (raw.Item ?? {}), 'no camelCase attribute is stored')
  const mapped = fromItem(Group, raw.Item ?? {})
  t.ok(mapped instanceof Group)
  t.match(mapped, {
    id: group.id,
    name: 'Platform guild',
    groupType: 'team',
    privacySettings: { visibility: 'tenant' },
  })

  const deleted = await alice({ method: 'DELETE', url: `/v2/groups/${group.id}` })
  t.equal(deleted.statusCode, 204)
  t.equal(deleted.body, '')

  const gone = await alice({ method: 'GET', url: `/v2/groups/${group.id}` })
  t.equal(gone.statusCode, 404)
  t.equal(gone.json().error.code, 'NOT_FOUND')

  const again = await alice({ method: 'DELETE', url: `/v2/groups/${group.id}` })
  t.equal(again.statusCode, 404)

  const rawDeleted = await document.send(
    new GetCommand({
      TableName: tableName,
      Key: { pk: `tenant#acme#group#${group.id.toLowerCase()}`, sk: `group#${group.id.toLowerCase()}` },
    }),
  )
  t.ok(rawDeleted.Item?.deleted_utc, 'soft delete keeps the item, marked deleted')
  t.notOk(rawDeleted.Item?.gsi1_pk, 'and drops it from the secondary indexes')
})
