import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import t, { type Test } from 'tap'
import { servicesOf } from '../../src/container.js'
import {
  and,
  beginsWith,
  between,
  contains,
  eq,
  exists,
  type Filter,
  gt,
  gte,
  isIn,
  lt,
  lte,
  ne,
  not,
  notExists,
  or,
} from '../../src/db/filter.js'
import { AppError } from '../../src/errors/app-error.js'
import { Group, keyOf } from '../../src/models/index.js'
import type { Metrics } from '../../src/observability/metrics.js'
import { groups as groupResource } from '../../src/resources/groups.js'
import { resourceService } from '../../src/resources/index.js'
import type { RequestContext } from '../../src/services/request-context.js'
import type { ResourceService } from '../../src/services/resource-service.js'
import { addCallMiddleware, buildTestApp, type TestAppOptions } from '../helpers/app.js'
import { rejection } from '../helpers/expect.js'

type GroupService = ResourceService<Group, CreateGroupInput, unknown>
type CreateGroupInput = Parameters<(typeof groupResource)['create']>[1]

interface SentCommand {
  name: string
  input: Record<string, unknown>
}

/** The test app, its gateway and metrics, and a record of every command sent to DynamoDB. */
async function setUp(t: Test, options: TestAppOptions = {}) {
  const testApp = await buildTestApp(t, options)
  const sent: SentCommand[] = []
  addCallMiddleware(
    testApp,
    (next, context) => async (args) => {
      // The input itself, which the app's own middleware gives ReturnConsumedCapacity.
      sent.push({
        name: (context.commandName ?? 'unknown').replace(/Command$/, ''),
        input: args.input as Record<string, unknown>,
      })
      return next(args)
    },
    'testRecordCommands',
  )
  return {
    ...testApp,
    sent,
    count: (name: string) => sent.filter((command) => command.name === name).length,
    gateway: servicesOf(testApp.container).TableGateway,
    groups: resourceService(testApp.container, groupResource),
    metrics: servicesOf(testApp.container).Metrics,
  }
}

const context = (tenantId: string, userId: string): RequestContext => ({
  tenantId,
  userId,
  roles: ['member'],
  correlationId: 'test',
})

const tenantGroups = (tenantId: string) => keyOf(Group, 'gsi3', { tenantId }).pk

/** The sum of a metric's samples whose labels include `labels` (histograms: `<name>_count`). */
async function sample(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const base = name.replace(/_(count|sum|bucket)$/, '')
  const metric = metrics.registry.getSingleMetric(name) ?? metrics.registry.getSingleMetric(base)
  if (!metric) throw new Error(`no metric ${name}`)
  const { values } = await metric.get()
  return values
    .filter((value) => ((value as { metricName?: string }).metricName ?? name) === name)
    .filter((value) => Object.entries(labels).every(([label, wanted]) => value.labels[label] === wanted))
    .reduce((sum, value) => sum + value.value, 0)
}

async function create(groups: GroupService, caller: RequestContext, input: CreateGroupInput) {
  const result = await groups.create(caller, input)
  if (!result.ok) throw result.error
  return result.value
}

t.test('queries: projections and filters', async (t) => {
  const app = await setUp(t)
  const alice = context('acme', 'alice')
  const bob = context('acme', 'bob')
  const inputs: [RequestContext, CreateGroupInput][] = [
    [alice, { name: 'alpha', groupType: 'team', description: 'first of all' }],
    [alice, { name: 'alphabet', groupType: 'team', privacySettings: { visibility: 'tenant' } }],
    [alice, { name: 'beta', groupType: 'club', icon: 'star', privacySettings: { visibility: 'tenant' } }],
    [
      alice,
      {
        name: 'delta',
        groupType: 'guild',
        description: 'the third one',
        privacySettings: { visibility: 'public' },
      },
    ],
    [alice, { name: 'gamma', groupType: 'club', color: '#fff' }],
    [alice, { name: ':v0', groupType: 'misc' }],
    [bob, { name: 'epsilon', groupType: 'team', privacySettings: { visibility: 'public' } }],
  ]
  const ids = new Map<string, string>()
  for (const [caller, input] of inputs) ids.set(input.name, (await create(app.groups, caller, input)).id)
  // Another tenant's groups never appear in acme's partition.
  await create(app.groups, context('globex', 'gail'), { name: 'alpha', groupType: 'team' })
  // gamma moves to version 2, for numeric comparisons.
  const updated = await app.groups.update(alice, ids.get('gamma') as string, { color: '#000' })
  t.equal(updated.ok && updated.value.version, 2)

  const partitionKey = tenantGroups('acme')
  const names = async (filter: Filter) => {
    const page = await app.gateway.query(Group, 'acme', { index: 'gsi3', partitionKey, limit: 100, filter })
    t.equal(page.nextCursor, null)
    return page.items.map((group) => group.name).sort()
  }

  t.test('a projection returns only the named fields; the rest keep their defaults', async (t) => {
    const page = await app.gateway.query(Group, 'acme', {
      index: 'gsi3',
      partitionKey,
      limit: 10,
      fields: ['name', 'privacySettings.visibility'],
    })
    t.equal(page.items.length, 7)
    t.strictSame(page.items.map((group) => group.name).sort(), [...ids.keys()].sort())
    const query = app.sent.at(-1)
    t.equal(query?.name, 'Query')
    t.type(query?.input.ProjectionExpression, 'string', 'the projection is sent to DynamoDB')
    for (const group of page.items) {
      t.ok(group instanceof Group)
      t.ok(group.name.length > 0, 'name is set')
      t.match(group.privacySettings.visibility, /^(private|tenant|public)$/)
      t.equal(group.description, null, 'description is not read')
      t.equal(group.color, null)
      t.equal(group.icon, null)
      t.equal(group.groupType, '')
      t.equal(group.id, '')
      t.equal(group.tenantId, '')
      t.equal(group.userId, '')
      t.equal(group.version, 0)
      t.equal(group.createdUtc, '')
    }
    const byName = new Map(page.items.map((group) => [group.name, group]))
    t.equal(byName.get('delta')?.privacySettings.visibility, 'public')
    t.equal(byName.get('alphabet')?.privacySettings.visibility, 'tenant')
    t.equal(byName.get('alpha')?.privacySettings.visibility, 'private')
  })

  t.test('a projection naming anything but a declared field is refused before any call', async (t) => {
    const before = app.sent.length
    for (const fields of [
      ['pk'],
      ['gsi1_pk'],
      ['secret'],
      ['name) OR (#x'],
      ['name, pk'],
      [''],
      ['name', 'tenant_id'],
      ['name', 'privacySettings.visibility) OR (#x'],
      ['privacySettings.'],
      ['privacySettings.#n0'],
    ]) {
      const error = await rejection(
        app.gateway.query(Group, 'acme', { index: 'gsi3', partitionKey, limit: 10, fields }),
      )
      t.ok(error instanceof AppError, JSON.stringify(fields))
      t.equal((error as AppError).code, 'VALIDATION_ERROR', JSON.stringify(fields))
      t.equal((error as AppError).details?.[0]?.field, 'fields')
    }
    t.equal(app.sent.length, before, 'no call was made')
  })

  t.test('each filter selects exactly the matching groups', async (t) => {
    const cases: [string, Filter, string[]][] = [
      ['eq', eq('groupType', 'team'), ['alpha', 'alphabet', 'epsilon']],
      ['eq on a nested field', eq('privacySettings.visibility', 'public'), ['delta', 'epsilon']],
      ['ne', ne('privacySettings.visibility', 'private'), ['alphabet', 'beta', 'delta', 'epsilon']],
      ['lt', lt('name', 'alphabet'), [':v0', 'alpha']],
      ['lte', lte('name', 'alphabet'), [':v0', 'alpha', 'alphabet']],
      ['gt', gt('name', 'delta'), ['epsilon', 'gamma']],
      ['gte', gte('name', 'delta'), ['delta', 'epsilon', 'gamma']],
      ['between', between('name', 'b', 'e'), ['beta', 'delta']],
      ['beginsWith', beginsWith('name', 'alpha'), ['alpha', 'alphabet']],
      ['contains', contains('description', 'third'), ['delta']],
      ['contains on a name', contains('name', 'ph'), ['alpha', 'alphabet']],
      ['isIn', isIn('groupType', ['club', 'guild']), ['beta', 'delta', 'gamma']],
      ['exists', exists('icon'), ['beta']],
      ['notExists', notExists('description'), [':v0', 'alphabet', 'beta', 'epsilon', 'gamma']],
      ['and', and(eq('groupType', 'club'), eq('privacySettings.visibility', 'private')), ['gamma']],
      ['or', or(eq('name', 'beta'), eq('userId', 'bob')), ['beta', 'epsilon']],
      ['not', not(eq('groupType', 'team')), [':v0', 'beta', 'delta', 'gamma']],
      ['a number', eq('version', 2), ['gamma']],
      ['a number range', gt('version', 1), ['gamma']],
      [
        'nested',
        or(and(eq('groupType', 'team'), not(eq('userId', 'alice'))), exists('color')),
        ['epsilon', 'gamma'],
      ],
      ['nothing', eq('groupType', 'none'), []],
    ]
    for (const [label, filter, expected] of cases) t.strictSame(await names(filter), expected, label)
  })

  t.test('a filter value with expression syntax matches literally', async (t) => {
    const cases: [Filter, string[]][] = [
      [eq('name', 'x) OR (attribute_exists(pk)'), []],
      [eq('name', ':v0'), [':v0']],
      [eq('name', '#n0'), []],
      [ne('name', ':v1'), [...ids.keys()].sort()],
      [beginsWith('name', ') OR (#n0'), []],
      [contains('description', ':v1'), []],
      [isIn('name', [':v0', '#n1', 'a) OR (b']), [':v0']],
      [or(eq('name', '#n0) OR (#n0 = #n0'), eq('groupType', ':v0')), []],
    ]
    for (const [filter, expected] of cases)
      t.strictSame(await names(filter), expected, JSON.stringify(filter))
  })

  t.test('a filter on a field the model does not declare is refused before any call', async (t) => {
    const before = app.sent.length
    for (const filter of [
      eq('pk', 'tenant#acme#group'),
      eq('gsi1_pk', 'x'),
      eq('secret', 'x'),
      exists('tenant_id'),
      eq('name) OR (#x', 'y'),
      eq('', 'x'),
      eq('privacySettings.visibility) OR (#x', 'y'),
      and(eq('name', 'alpha'), eq('secret', 'x')),
      or(eq('name', 'alpha'), not(exists('pk'))),
    ]) {
      const error = await rejection(
        app.gateway.query(Group, 'acme', { index: 'gsi3', partitionKey, limit: 10, filter }),
      )
      t.ok(error instanceof AppError, JSON.stringify(filter))
      t.equal((error as AppError).code, 'VALIDATION_ERROR', JSON.stringify(filter))
      t.equal((error as AppError).details?.[0]?.field, 'filter')
    }
    t.equal(app.sent.length, before, 'no call was made')
  })

  t.test('overlapping projection paths are a validation error, never a failed call', async (t) => {
    // DynamoDB refuses `name, name` and `privacy_settings, privacy_settings.visibility` with a
    // ValidationException ("two document paths overlap"). The gateway may merge them or refuse them
    // as the caller's mistake, but must not pass DynamoDB's error on (GET ?fields=name,name → 500).
    for (const fields of [
      ['name', 'name'],
      ['privacySettings', 'privacySettings.visibility'],
    ]) {
      try {
        const page = await app.gateway.query(Group, 'acme', {
          index: 'gsi3',
          partitionKey,
          limit: 10,
          fields,
        })
        t.equal(page.items.length, 7, JSON.stringify(fields))
      } catch (error) {
        t.equal((error as AppError).code, 'VALIDATION_ERROR', JSON.stringify(fields))
      }
    }
  })

  t.test("a query of another tenant's partition is refused", async (t) => {
    const before = app.sent.length
    await t.rejects(
      app.gateway.query(Group, 'acme', { index: 'gsi3', partitionKey: tenantGroups('globex'), limit: 10 }),
    )
    t.equal(app.sent.length, before)
  })
})

t.test('stream and getMany over a batch-created set', async (t) => {
  const app = await setUp(t)
  const alice = app.as('acme', 'alice', ['member'])
  const created = await alice({
    method: 'POST',
    url: '/v2/groups/batch',
    payload: { items: Array.from({ length: 230 }, (_, i) => ({ name: `group ${i}`, groupType: 'team' })) },
  })
  t.equal(created.statusCode, 200)
  const outcomes: { index: number; id?: string }[] = created.json().data
  const ids = outcomes.map((outcome) => outcome.id as string)
  t.equal(ids.filter(Boolean).length, 230, 'every item was written')
  // A few of another tenant's, which must not show up.
  const other = await app.as('globex', 'gail', ['member'])({
    method: 'POST',
    url: '/v2/groups/batch',
    payload: {
      items: [
        { name: 'g1', groupType: 'team' },
        { name: 'g2', groupType: 'team' },
      ],
    },
  })
  t.equal(other.statusCode, 200)

  t.test('stream yields every group of the partition exactly once', async (t) => {
    const queriesBefore = app.count('Query')
    const seen: string[] = []
    for await (const group of app.gateway.stream(Group, 'acme', {
      index: 'gsi3',
      partitionKey: tenantGroups('acme'),
    })) {
      t.ok(group instanceof Group)
      seen.push(group.id)
    }
    t.equal(seen.length, 230)
    t.equal(new Set(seen).size, 230, 'no duplicates')
    t.strictSame([...seen].sort(), [...ids].sort(), 'exactly the created ones')
    t.equal(app.count('Query') - queriesBefore, 3, 'in pages of 100')
  })

  t.test('getMany reads more than 100 keys in one call and skips deleted items', async (t) => {
    const wanted = ids.slice(0, 150)
    const deleted = [wanted[3], wanted[77], wanted[149]] as string[]
    for (const id of deleted) {
      const response = await alice({ method: 'DELETE', url: `/v2/groups/${id}` })
      t.equal(response.statusCode, 204)
    }
    const keys = wanted.map((id) => keyOf(Group, 'primary', { tenantId: 'acme', id }))
    const batchesBefore = app.count('BatchGetItem')
    const { items, unprocessed } = await app.gateway.getMany(Group, 'acme', keys)
    t.equal(app.count('BatchGetItem') - batchesBefore, 2, 'two requests of at most 100 keys')
    t.strictSame(unprocessed, [])
    t.equal(items.length, 147)
    t.strictSame(items.map((group) => group.id).sort(), wanted.filter((id) => !deleted.includes(id)).sort())
    for (const group of items) t.ok(group instanceof Group && group.tenantId === 'acme' && group.name !== '')
  })

  t.test("getMany refuses another tenant's key before sending anything", async (t) => {
    const keys = [
      keyOf(Group, 'primary', { tenantId: 'acme', id: ids[0] as string }),
      keyOf(Group, 'primary', { tenantId: 'globex', id: ids[1] as string }),
    ]
    const batchesBefore = app.count('BatchGetItem')
    await t.rejects(app.gateway.getMany(Group, 'acme', keys))
    t.equal(app.count('BatchGetItem'), batchesBefore)
  })
})

t.test('a soft-deleted group expires after the retention period', async (t) => {
  for (const [env, days] of [
    [{}, 30],
    [{ SOFT_DELETE_RETENTION_DAYS: '2' }, 2],
  ] as const) {
    const { as, document, tableName } = await buildTestApp(t, { env })
    const alice = as('acme', 'alice', ['member'])
    const created = await alice({
      method: 'POST',
      url: '/v2/groups',
      payload: { name: 'doomed', groupType: 'team' },
    })
    const id = created.json().data.id as string
    const key = keyOf(Group, 'primary', { tenantId: 'acme', id })
    const live = await document.send(new GetCommand({ TableName: tableName, Key: key }))
    t.equal(live.Item?.expires_at, undefined, 'a live item does not expire')

    t.equal((await alice({ method: 'DELETE', url: `/v2/groups/${id}` })).statusCode, 204)
    const raw = await document.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))
    const deletedUtc = raw.Item?.deleted_utc as string
    t.type(deletedUtc, 'string')
    t.equal(
      raw.Item?.expires_at,
      Math.floor(Date.parse(deletedUtc) / 1000) + days * 86_400,
      `${days} days after the delete`,
    )
  }
})

t.test('reads by id are cached per instance and tenant', async (t) => {
  const app = await setUp(t)
  const alice = app.as('acme', 'alice', ['member'])
  const hits = () => sample(app.metrics, 'cache_hits_total')
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'original', groupType: 'team', privacySettings: { visibility: 'tenant' } },
  })
  const id = created.json().data.id as string
  const url = `/v2/groups/${id}`

  const first = await alice({ method: 'GET', url })
  t.equal(first.statusCode, 200)
  const hitsAfterFirst = await hits()
  const getsAfterFirst = app.count('GetItem')
  const second = await alice({ method: 'GET', url })
  t.equal(second.statusCode, 200)
  t.strictSame(second.json().data, first.json().data)
  t.equal((await hits()) - hitsAfterFirst, 1, 'the second read is a hit')
  t.equal(app.count('GetItem'), getsAfterFirst, 'and reads nothing from DynamoDB')
  const exported = await app.app.inject({ method: 'GET', url: '/metrics' })
  t.match(exported.body, new RegExp(`^cache_hits_total ${await hits()}$`, 'm'), '/metrics shows the hits')

  // Another writer changes the item behind this instance's back.
  await app.document.send(
    new UpdateCommand({
      TableName: app.tableName,
      Key: keyOf(Group, 'primary', { tenantId: 'acme', id }),
      UpdateExpression: 'SET #name = :name, #version = :version',
      ExpressionAttributeNames: { '#name': 'name', '#version': 'version' },
      ExpressionAttributeValues: { ':name': 'changed elsewhere', ':version': 2 },
    }),
  )
  const stale = await alice({ method: 'GET', url })
  t.equal(stale.json().data.name, 'original', 'within the ttl a read may be stale (documented)')
  t.equal(stale.headers.etag, '"1"')

  // Another tenant never gets the cached item, not even while it is cached.
  const foreign = await app.as('globex', 'alice', ['tenant_admin'])({ method: 'GET', url })
  t.equal(foreign.statusCode, 404)
  t.equal(foreign.json().error.code, 'NOT_FOUND')

  // A write reads strongly consistently, past the cache: If-Match must name the new version.
  const outdated = await alice({
    method: 'PATCH',
    url,
    headers: { 'if-match': '"1"' },
    payload: { description: 'x' },
  })
  t.equal(outdated.statusCode, 412)
  t.equal(outdated.json().error.code, 'PRECONDITION_FAILED')
  const patched = await alice({
    method: 'PATCH',
    url,
    headers: { 'if-match': '"2"' },
    payload: { name: 'patched' },
  })
  t.equal(patched.statusCode, 200)
  t.equal(patched.json().data.version, 3)
  const after = await alice({ method: 'GET', url })
  t.equal(after.json().data.name, 'patched', "this instance's own write is seen at once")
  t.equal(after.headers.etag, '"3"')

  const deleted = await alice({ method: 'DELETE', url })
  t.equal(deleted.statusCode, 204)
  t.equal((await alice({ method: 'GET', url })).statusCode, 404, 'a delete is seen at once too')
})

t.test("a read that overlaps this instance's write does not cache the older item", async (t) => {
  // A GET that misses the cache reads the item, then a PATCH on the same instance writes a new
  // version (invalidating the cache), then the GET's response arrives and is stored. Later reads
  // must not be served that older item: the cache promises an instance sees its own writes.
  const app = await setUp(t)
  const alice = app.as('acme', 'alice', ['member'])
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'original', groupType: 'team' },
  })
  const url = `/v2/groups/${created.json().data.id}`

  let release = () => {}
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let received = () => {}
  const readDone = new Promise<void>((resolve) => {
    received = resolve
  })
  let held = false
  addCallMiddleware(
    app,
    (next, context) => async (args) => {
      const input = args.input as { ConsistentRead?: boolean }
      if (held || context.commandName !== 'GetItemCommand' || input.ConsistentRead) return next(args)
      held = true
      const result = await next(args)
      received()
      await gate
      return result
    },
    'testHoldEventualRead',
  )

  const slowRead = alice({ method: 'GET', url })
  await readDone
  const patched = await alice({ method: 'PATCH', url, payload: { name: 'patched' } })
  t.equal(patched.statusCode, 200)
  release()
  t.equal((await slowRead).json().data.name, 'original', 'the overlapping read saw the item before the write')

  const after = await alice({ method: 'GET', url })
  t.equal(after.json().data.name, 'patched', 'a read after the write sees the write')
  t.equal(after.headers.etag, '"2"')
})

t.test('with CACHE_TTL_MS 0 every read goes to DynamoDB', async (t) => {
  const app = await setUp(t, { env: { CACHE_TTL_MS: '0' } })
  const alice = app.as('acme', 'alice', ['member'])
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'original', groupType: 'team' },
  })
  const id = created.json().data.id as string
  const url = `/v2/groups/${id}`
  const getsBefore = app.count('GetItem')
  for (let i = 0; i < 3; i++) t.equal((await alice({ method: 'GET', url })).statusCode, 200)
  t.equal(app.count('GetItem') - getsBefore, 3, 'one GetItem per read')
  t.equal(await sample(app.metrics, 'cache_hits_total'), 0)
  t.equal(await sample(app.metrics, 'cache_entries'), 0)

  await app.document.send(
    new UpdateCommand({
      TableName: app.tableName,
      Key: keyOf(Group, 'primary', { tenantId: 'acme', id }),
      UpdateExpression: 'SET #name = :name',
      ExpressionAttributeNames: { '#name': 'name' },
      ExpressionAttributeValues: { ':name': 'changed elsewhere' },
    }),
  )
  t.equal((await alice({ method: 'GET', url })).json().data.name, 'changed elsewhere', 'never stale')
  t.equal(await sample(app.metrics, 'cache_hits_total'), 0)
})

t.test('calls record their consumed capacity and duration', async (t) => {
  const app = await setUp(t)
  const alice = app.as('acme', 'alice', ['member'])
  const table = app.tableName
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'measured', groupType: 'team' },
  })
  t.equal(created.statusCode, 201)
  t.equal((await alice({ method: 'GET', url: '/v2/groups' })).statusCode, 200)

  // Reads by key touch the base table alone: their total is all there is to count.
  const keyReads = new Set(['GetItem', 'BatchGetItem', 'TransactGetItems'])
  for (const command of app.sent) {
    const detail = keyReads.has(command.name) ? 'TOTAL' : 'INDEXES'
    t.equal(command.input.ReturnConsumedCapacity, detail, `${command.name} asks for its capacity`)
  }
  // DynamoDB Local (1.25) returns ConsumedCapacity when asked, so the counter has real samples.
  const capacity = (operation: string) =>
    sample(app.metrics, 'dynamodb_consumed_capacity_units_total', { table, operation })
  // A create is a transaction: the group and its audit entry.
  t.ok((await capacity('TransactWriteItems')) > 0, 'TransactWriteItems consumed capacity is counted')
  t.ok((await capacity('Query')) > 0, 'Query consumed capacity is counted')
  // The only read by key so far: the tenant's standing, looked up once and then kept in memory.
  const tenantLookups = app.count('GetItem')
  t.equal(tenantLookups, 1, 'one GetItem: the tenant standing')

  const gets = () =>
    sample(app.metrics, 'dynamodb_call_duration_seconds_count', {
      operation: 'GetItem',
      table,
      outcome: 'success',
    })
  const before = await gets()
  t.equal(before, tenantLookups)
  const url = `/v2/groups/${created.json().data.id}`
  const tableReads = () =>
    sample(app.metrics, 'dynamodb_consumed_capacity_units_total', {
      table,
      index: 'table',
      operation: 'GetItem',
    })
  const readBefore = await tableReads()
  await alice({ method: 'GET', url })
  // An eventually consistent read of an item under 4 KB: half a unit, counted against the table.
  t.equal((await tableReads()) - readBefore, 0.5)
  await alice({ method: 'GET', url })
  // An id that does not exist is not cached, so each read of it is a call.
  await alice({ method: 'GET', url: '/v2/groups/01ARZ3NDEKTSV4RRFFQ69G5FAV' })
  t.equal(await gets(), before + 2, 'two GetItem calls: the second read of the group was a cache hit')
  t.equal(app.count('GetItem'), tenantLookups + 2)
  const getItems = app.sent.filter((command) => command.name === 'GetItem')
  t.ok(getItems.length > 0 && getItems.every((command) => command.input.ReturnConsumedCapacity === 'TOTAL'))

  const failed = () =>
    sample(app.metrics, 'dynamodb_call_duration_seconds_count', {
      operation: 'PutItem',
      table,
      outcome: 'condition_failed',
    })
  t.equal(await failed(), 0)
  const group = await app.gateway.get(
    Group,
    'acme',
    keyOf(Group, 'primary', { tenantId: 'acme', id: created.json().data.id }),
  )
  if (!group) throw new Error('the group is there')
  // A put whose condition the stored item fails (it is at version 1, not 99).
  const put = await app.gateway.putIf(group, eq('version', 99))
  t.equal(put.written, false, 'the condition failed')
  t.equal(await failed(), 1, 'a failed condition is counted as such')
})
