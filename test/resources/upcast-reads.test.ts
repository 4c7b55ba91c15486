// Items of an old stored shape, written with the raw client, are read in the current shape through
// the gateway and the API, and a change stores them current. Groups get a test-only history
// (test/helpers/versioned-group.ts) through a service built on it in place of the real one.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import t, { type Test } from 'tap'
import { servicesOf } from '../../src/container.js'
import { keyOf } from '../../src/models/index.js'
import { groups } from '../../src/resources/groups.js'
import { serviceToken } from '../../src/resources/index.js'
import { ResourceService } from '../../src/services/resource-service.js'
import { buildTestApp } from '../helpers/app.js'
import { expectError } from '../helpers/expect.js'
import { VersionedGroup, v1Item } from '../helpers/versioned-group.js'

const IDS = ['01HM4ZB3Q5X7K9N2P4R6T8V0WA', '01HM4ZB3Q5X7K9N2P4R6T8V0WB', '01HM4ZB3Q5X7K9N2P4R6T8V0WC']

async function setUp(t: Test) {
  const testApp = await buildTestApp(t, {
    register: (container) => {
      let service: ResourceService<InstanceType<typeof VersionedGroup>, unknown, unknown> | undefined
      container.register(serviceToken(groups), {
        useFactory: () => {
          const { TableGateway, ChangeWriter, Clock } = servicesOf(container)
          service ??= new ResourceService(
            { ...groups, model: VersionedGroup },
            TableGateway,
            ChangeWriter,
            Clock,
          )
          return service
        },
      })
    },
  })
  const { document, tableName } = testApp
  const stored = IDS.map((id, index) =>
    v1Item({
      tenantId: 'acme',
      userId: 'alice',
      id,
      name: `Club ${index}`,
      type: 'reading',
      isPrivate: index !== 1,
      badge: `book #00000${index}`,
    }),
  )
  for (const Item of stored) await document.send(new PutCommand({ TableName: tableName, Item }))
  const raw = async (id: string) =>
    (
      await document.send(
        new GetCommand({
          TableName: tableName,
          Key: keyOf(VersionedGroup, 'primary', { tenantId: 'acme', id }),
        }),
      )
    ).Item ?? {}
  return { ...testApp, stored, raw }
}

t.test('the gateway reads v1 items in the current shape: get (cached and not), getMany, query', async (t) => {
  const { container, raw } = await setUp(t)
  const gateway = servicesOf(container).TableGateway
  const key = (id: string) => keyOf(VersionedGroup, 'primary', { tenantId: 'acme', id })
  const expected = { groupType: 'reading', icon: 'book', color: '#000000', modelVersion: 3 }

  const first = await gateway.get(VersionedGroup, 'acme', key(IDS[0] as string))
  t.match(first, { ...expected, privacySettings: { visibility: 'private' } })
  const { pk, sk } = key(IDS[0] as string)
  t.match(
    servicesOf(container).ItemCache.get('acme', pk, sk),
    { model_version: 3, group_type: 'reading' },
    'the cache keeps the upcast form',
  )
  const hit = await gateway.get(VersionedGroup, 'acme', key(IDS[0] as string))
  t.strictSame(hit, first, 'a cache hit gives the same model')
  t.match(await gateway.get(VersionedGroup, 'acme', key(IDS[1] as string), { consistent: true }), {
    groupType: 'reading',
    privacySettings: { visibility: 'tenant' },
  })

  const many = await gateway.getMany(VersionedGroup, 'acme', IDS.map(key))
  t.equal(many.items.length, 3)
  for (const group of many.items) t.match(group, { groupType: 'reading', icon: 'book', modelVersion: 3 })

  const page = await gateway.query(VersionedGroup, 'acme', {
    index: 'gsi3',
    partitionKey: 'tenant#acme#group',
    limit: 10,
    fields: ['groupType', 'name'],
  })
  t.equal(page.items.length, 3)
  for (const group of page.items) t.equal(group.groupType, 'reading', 'a projection of today’s names')

  t.equal((await raw(IDS[0] as string)).model_version, 1, 'reads write nothing')
})

t.test('the API serves v1 items in the current shape; a PATCH stores them current', async (t) => {
  const { as, raw, document, tableName } = await setUp(t)
  const alice = as('acme', 'alice', ['member'])
  const id = IDS[1] as string

  const read = await alice({ method: 'GET', url: `/v2/groups/${id}` })
  t.equal(read.statusCode, 200)
  t.match(read.json().data, {
    id,
    name: 'Club 1',
    groupType: 'reading',
    icon: 'book',
    color: '#000001',
    privacySettings: { visibility: 'tenant' },
    version: 1,
  })
  t.notOk('type' in read.json().data || 'badge' in read.json().data)
  const v1 = await as('acme', 'alice', ['member'])({
    method: 'GET',
    url: `/v1/groups/${id}`,
  })
  t.match(v1.json().data, { type: 'reading', isPrivate: false }, 'older API versions too')

  const listed = await alice({ method: 'GET', url: '/v2/groups?fields=id,groupType,icon' })
  t.equal(listed.statusCode, 200)
  t.strictSame(
    listed.json().data.map((group: { groupType: string; icon: string }) => [group.groupType, group.icon]),
    [
      ['reading', 'book'],
      ['reading', 'book'],
      ['reading', 'book'],
    ],
  )

  const patched = await alice({
    method: 'PATCH',
    url: `/v2/groups/${id}`,
    headers: { 'if-match': '"1"' },
    payload: { name: 'Club one' },
  })
  t.equal(patched.statusCode, 200)
  t.equal(patched.headers.etag, '"2"')
  const item = await raw(id)
  const lower = id.toLowerCase()
  t.match(item, {
    model_version: 3,
    version: 2,
    name: 'Club one',
    group_type: 'reading',
    icon: 'book',
    color: '#000001',
    privacy_settings: { visibility: 'tenant' },
    gsi1_pk: 'tenant#acme#user#alice#group#type#reading',
    gsi1_sk: `name#club one#id#${lower}`,
    gsi2_sk: `name#club one#id#${lower}`,
  })
  t.notOk('type' in item || 'badge' in item || 'is_private' in item, 'no attribute of the old shape is left')
  const oldPartition = await document.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1_pk = :pk',
      ExpressionAttributeValues: { ':pk': 'tenant#acme#group#type#reading' },
    }),
  )
  t.strictSame(
    (oldPartition.Items ?? []).map((entry) => entry.id).sort(),
    [IDS[0], IDS[2]],
    'the changed item left the old gsi1 partition; the others stay until they are written',
  )
  const mine = await alice({ method: 'GET', url: '/v2/groups?scope=mine&groupType=reading' })
  t.strictSame(
    mine.json().data.map((group: { id: string }) => group.id),
    [id],
    'and it is in the list of the current template',
  )
})

t.test('an item newer than the code is served as it is; a PATCH is refused and writes nothing', async (t) => {
  const { as, raw, document, tableName } = await setUp(t)
  const alice = as('acme', 'alice', ['member'])
  const id = IDS[2] as string
  const current = await alice({ method: 'PATCH', url: `/v2/groups/${id}`, payload: { name: 'Club two' } })
  t.equal(current.statusCode, 200)
  const newer = { ...(await raw(id)), model_version: 4, mood: 'sunny' }
  await document.send(new PutCommand({ TableName: tableName, Item: newer }))

  const read = await alice({ method: 'GET', url: `/v2/groups/${id}` })
  t.equal(read.statusCode, 200)
  t.match(read.json().data, { name: 'Club two', groupType: 'reading', version: 2 })

  const refused = await alice({ method: 'PATCH', url: `/v2/groups/${id}`, payload: { name: 'Club 2' } })
  expectError(t, refused, 503, 'SERVICE_UNAVAILABLE', 'a write of a newer item')
  t.ok(Number(refused.headers['retry-after']) > 0, 'with Retry-After')
  t.strictSame(await raw(id), newer, 'the stored item is untouched')
})

t.test('a v1 item and an item newer than the code can both be deleted', async (t) => {
  const { as, raw, document, tableName } = await setUp(t)
  const alice = as('acme', 'alice', ['member'])
  const [old, newer] = IDS as [string, string]
  await document.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...(await raw(newer)), model_version: 4, mood: 'sunny' },
    }),
  )
  for (const id of [old, newer]) {
    const deleted = await alice({ method: 'DELETE', url: `/v2/groups/${id}`, headers: { 'if-match': '"1"' } })
    t.equal(deleted.statusCode, 204, id)
    t.equal((await alice({ method: 'GET', url: `/v2/groups/${id}` })).statusCode, 404)
    const item = await raw(id)
    t.ok(item.deleted_utc, 'soft deleted')
    t.equal(item.version, 2)
    t.notOk('gsi1_pk' in item || 'gsi2_pk' in item || 'gsi3_pk' in item, 'out of every index')
  }
  t.equal((await raw(newer)).mood, 'sunny', 'a delete keeps what the newer shape added')
})
