import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { InjectOptions } from 'fastify'
import t, { type Test } from 'tap'
import { buildTestApp, type TestApp } from '../../../helpers/app.js'
import { steppingClock } from '../../../helpers/clocks.js'

type Inject = ReturnType<TestApp['as']>

interface Entry {
  id: string
  entityType: string
  entityId: string
  action: 'create' | 'update' | 'delete'
  userId: string
  tenantId: string
  timestamp: string
  oldValues: Record<string, unknown> | null
  newValues: Record<string, unknown> | null
  ipAddress: string | null
  userAgent: string | null
}

const USER_AGENT = 'audit-test/1.0 (tessera)'

/** Sends a user agent with every request, as a browser or SDK would. */
const withAgent =
  (inject: Inject): Inject =>
  (options: InjectOptions) =>
    inject({ ...options, headers: { 'user-agent': USER_AGENT, ...options.headers } })

/** Every entry a query returns, following the cursor; asserts each page's size. */
async function allEntries(t: Test, admin: Inject, query: Record<string, string>, limit = 100) {
  const entries: Entry[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const params = new URLSearchParams({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) })
    const response = await admin({ method: 'GET', url: `/v2/audit?${params}` })
    if (response.statusCode !== 200)
      throw new Error(`audit read failed: ${response.statusCode} ${response.body}`)
    const body = response.json()
    t.equal(body.page.limit, limit)
    t.ok(body.data.length <= limit)
    entries.push(...body.data)
    cursor = body.page.nextCursor ?? undefined
    pages++
  } while (cursor && pages < 50)
  return { entries, pages }
}

const historyOf = (t: Test, admin: Inject, entityType: string, entityId: string) =>
  allEntries(t, admin, { entityType, entityId }).then(({ entries }) => entries)

const isNewestFirst = (entries: Entry[]) =>
  entries.every((entry, i) => i === 0 || (entries[i - 1] as Entry).timestamp >= entry.timestamp)

function assertRequestDetails(t: Test, entry: Entry | undefined, expected: Partial<Entry>) {
  t.match(entry, { ...expected, ipAddress: '127.0.0.1', userAgent: USER_AGENT })
  t.match(entry?.id, /^[0-9A-Z]{26}$/)
  t.equal(new Date(entry?.timestamp ?? '').toISOString(), entry?.timestamp, 'an ISO-8601 timestamp')
}

t.test('a group’s create, update and delete each leave one entry', async (t) => {
  const app = await buildTestApp(t)
  const alice = withAgent(app.as('acme', 'alice', ['member']))
  const admin = app.as('acme', 'root', ['tenant_admin'])

  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'Ops', groupType: 'team', color: '#112233' },
  })
  t.equal(created.statusCode, 201)
  const group = created.json().data
  const updated = await alice({
    method: 'PATCH',
    url: `/v2/groups/${group.id}`,
    payload: { name: 'Operations', description: 'Keeps the lights on', color: '#112233' },
  })
  t.equal(updated.statusCode, 200)
  const afterUpdate = updated.json().data
  const deleted = await alice({ method: 'DELETE', url: `/v2/groups/${group.id}` })
  t.equal(deleted.statusCode, 204)

  const history = await historyOf(t, admin, 'group', group.id)
  t.same(
    history.map((entry) => entry.action),
    ['delete', 'update', 'create'],
    'exactly one entry per change, newest first',
  )
  t.ok(isNewestFirst(history))
  const [onDelete, onUpdate, onCreate] = history
  const who = { entityType: 'group', entityId: group.id, userId: 'alice', tenantId: 'acme' }
  assertRequestDetails(t, onCreate, { ...who, action: 'create', oldValues: null })
  assertRequestDetails(t, onUpdate, { ...who, action: 'update' })
  assertRequestDetails(t, onDelete, { ...who, action: 'delete', newValues: null })
  t.equal(onCreate?.timestamp, group.createdUtc, 'the entry is stamped with the change’s own time')
  t.equal(onUpdate?.timestamp, afterUpdate.updatedUtc)

  t.match(onCreate?.newValues, {
    id: group.id,
    tenantId: 'acme',
    userId: 'alice',
    name: 'Ops',
    groupType: 'team',
    color: '#112233',
    description: null,
    privacySettings: { visibility: 'private' },
    version: 1,
  })
  t.same(
    { oldValues: onUpdate?.oldValues, newValues: onUpdate?.newValues },
    {
      oldValues: { name: 'Ops', description: null },
      newValues: { name: 'Operations', description: 'Keeps the lights on' },
    },
    'an update holds only the fields that changed (not the unchanged color, not the version)',
  )
  t.match(onDelete?.oldValues, {
    id: group.id,
    name: 'Operations',
    description: 'Keeps the lights on',
    version: 2,
  })

  const userAgentless = await app.as('acme', 'alice', ['member'])({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'Quiet', groupType: 'team' },
  })
  const quiet = await historyOf(t, admin, 'group', userAgentless.json().data.id)
  t.equal(quiet.length, 1)
  t.not(quiet[0]?.userAgent, USER_AGENT, 'the user agent is the request’s own')
})

t.test('a user’s entries mask email and phone; the stored log holds no plaintext', async (t) => {
  const app = await buildTestApp(t)
  const admin = withAgent(app.as('acme', 'root', ['tenant_admin']))
  const email = 'Bob.Secret@Example.com'
  const phone = '+1 555 0123'

  const created = await admin({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'bob', email, name: 'Bob', phone },
  })
  t.equal(created.statusCode, 201)
  const renamed = await admin({
    method: 'PATCH',
    url: '/v2/users/bob',
    payload: { name: 'Robert', phone: null },
  })
  t.equal(renamed.statusCode, 200)
  const deleted = await admin({ method: 'DELETE', url: '/v2/users/bob' })
  t.equal(deleted.statusCode, 204)

  const history = await historyOf(t, admin, 'user', 'bob')
  t.same(
    history.map((entry) => entry.action),
    ['delete', 'update', 'create'],
  )
  const [onDelete, onUpdate, onCreate] = history
  const who = { entityType: 'user', entityId: 'bob', userId: 'root', tenantId: 'acme' }
  assertRequestDetails(t, onCreate, { ...who, action: 'create', oldValues: null })
  assertRequestDetails(t, onUpdate, { ...who, action: 'update' })
  assertRequestDetails(t, onDelete, { ...who, action: 'delete', newValues: null })

  t.match(onCreate?.newValues, { id: 'bob', name: 'Bob', email: '***', phone: '***', roles: ['member'] })
  t.notOk('emailIndex' in (onCreate?.newValues ?? {}), 'the blind index is not part of the entity')
  t.same(onUpdate?.oldValues, { name: 'Bob', phone: '***' })
  t.same(onUpdate?.newValues, { name: 'Robert', phone: null })
  t.match(onDelete?.oldValues, { id: 'bob', name: 'Robert', email: '***', phone: null })

  const responseText = JSON.stringify(history)
  t.notOk(responseText.toLowerCase().includes('bob.secret'), 'no plaintext email in the log')
  t.notOk(responseText.includes('555 0123'), 'no plaintext phone in the log')

  const raw = await app.document.send(
    new QueryCommand({
      TableName: app.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'tenant#acme#audit#entity#user#id#bob' },
      ConsistentRead: true,
    }),
  )
  t.equal(raw.Items?.length, 3, 'three stored entries')
  const stored = JSON.stringify(raw.Items)
  for (const secret of [email, email.toLowerCase(), 'bob.secret', phone, '555 0123']) {
    t.notOk(stored.includes(secret), `no ${secret} in the stored entries`)
  }
  t.notMatch(stored, /enc1\./, 'nor ciphertext: the log masks encrypted fields')
})

t.test('changing an encrypted field is recorded, masked', async (t) => {
  const app = await buildTestApp(t)
  const admin = app.as('acme', 'root', ['tenant_admin'])
  await admin({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'bob', email: 'bob@example.com', name: 'Bob' },
  })
  const moved = await admin({
    method: 'PATCH',
    url: '/v2/users/bob',
    payload: { email: 'robert@example.com' },
  })
  t.equal(moved.statusCode, 200)
  const history = await historyOf(t, admin, 'user', 'bob')
  t.same(
    history.map((entry) => entry.action),
    ['update', 'create'],
  )
  t.same(
    { oldValues: history[0]?.oldValues, newValues: history[0]?.newValues },
    { oldValues: { email: '***' }, newValues: { email: '***' } },
    'the entry says the email changed, without saying what it is',
  )
  t.notOk(JSON.stringify(history).includes('robert@'), 'no plaintext')
})

t.test('a tenant’s create and update are in its own log, by the platform', async (t) => {
  const app = await buildTestApp(t)
  const root = withAgent(app.as('platform', 'root', ['platform_admin']))
  t.equal(
    (await root({ method: 'POST', url: '/v2/tenants', payload: { id: 'acme', name: 'Acme', tier: 'basic' } }))
      .statusCode,
    201,
  )
  const changed = await root({
    method: 'PATCH',
    url: '/v2/tenants/acme',
    payload: { tier: 'premium', name: 'Acme' },
  })
  t.equal(changed.statusCode, 200)

  const history = await historyOf(t, app.as('acme', 'boss', ['tenant_admin']), 'tenant', 'acme')
  t.same(
    history.map((entry) => entry.action),
    ['update', 'create'],
  )
  // The operator is not named to the tenant, nor where they worked from (platform-actor.test.ts).
  const who = { entityType: 'tenant', entityId: 'acme', userId: '#platform', tenantId: 'acme' }
  const unnamed = { ipAddress: null, userAgent: null }
  t.match(history[1], { ...who, ...unnamed, action: 'create', oldValues: null })
  t.match(history[1]?.newValues, { id: 'acme', name: 'Acme', tier: 'basic', status: 'active' })
  t.match(history[0], { ...who, ...unnamed, action: 'update' })
  t.same(history[0]?.oldValues, { tier: 'basic' })
  t.same(history[0]?.newValues, { tier: 'premium' })

  const foreign = await historyOf(t, app.as('globex', 'boss', ['tenant_admin']), 'tenant', 'acme')
  t.same(foreign, [], 'another tenant’s admin does not see it')
})

t.test('the log by time: a window, newest first, page by page', async (t) => {
  // Every write, and every instant the test reads, gets a millisecond of its own.
  const clock = steppingClock(Date.parse('2025-03-01T12:00:00Z'))
  const app = await buildTestApp(t, { clock })
  const alice = app.as('acme', 'alice', ['member'])
  const admin = app.as('acme', 'root', ['tenant_admin'])
  const createGroup = async (name: string) => {
    const response = await alice({ method: 'POST', url: '/v2/groups', payload: { name, groupType: 'team' } })
    t.equal(response.statusCode, 201)
    return response.json().data.id as string
  }

  const before = [await createGroup('a1'), await createGroup('a2'), await createGroup('a3')]
  const from = clock().toISOString()
  const inside: string[] = []
  const insideIds = []
  for (let i = 0; i < 5; i++) insideIds.push(await createGroup(`b${i}`))
  for (const id of insideIds) inside.push(`create:${id}`)
  for (const id of insideIds.slice(0, 2)) {
    const patched = await alice({ method: 'PATCH', url: `/v2/groups/${id}`, payload: { icon: 'star' } })
    t.equal(patched.statusCode, 200)
    inside.push(`update:${id}`)
  }
  const to = clock().toISOString()
  const after = [await createGroup('c1'), await createGroup('c2')]

  const window = await allEntries(t, admin, { from, to }, 3)
  t.equal(window.pages, 3, '7 entries in pages of 3')
  t.same(window.entries.map((entry) => `${entry.action}:${entry.entityId}`).sort(), [...inside].sort())
  t.equal(new Set(window.entries.map((entry) => entry.id)).size, 7, 'no entry twice')
  t.ok(isNewestFirst(window.entries), 'newest first across pages')
  t.ok(
    window.entries.every((entry) => entry.timestamp >= from && entry.timestamp <= to),
    'all inside the window',
  )
  t.same(
    window.entries.slice(0, 2).map((entry) => entry.action),
    ['update', 'update'],
    'the last changes come first',
  )

  const everything = await allEntries(t, admin, {}, 5)
  t.equal(everything.entries.length, 12)
  t.ok(isNewestFirst(everything.entries))
  t.same(
    everything.entries.slice(0, 2).map((entry) => entry.entityId),
    [...after].reverse(),
  )
  t.same(
    everything.entries.slice(-3).map((entry) => entry.entityId),
    [...before].reverse(),
  )

  const since = await allEntries(t, admin, { from: to })
  t.same(
    since.entries.map((entry) => entry.entityId),
    [...after].reverse(),
    'from alone: everything since',
  )
  const until = await allEntries(t, admin, { to: from })
  t.same(
    until.entries.map((entry) => entry.entityId),
    [...before].reverse(),
    'to alone: everything until',
  )

  const offset = await allEntries(t, admin, {
    from: from.replace('Z', '+00:00'),
    to: to.replace('Z', '+00:00'),
  })
  t.equal(offset.entries.length, 7, 'instants with an offset mean the same window')

  const reversed = await admin({ method: 'GET', url: `/v2/audit?from=${to}&to=${from}` })
  t.equal(reversed.statusCode, 400)
  t.equal(reversed.json().error.code, 'VALIDATION_ERROR')
})

t.test('only tenant admins read the log, and only their own tenant’s', async (t) => {
  const app = await buildTestApp(t)
  const alice = app.as('acme', 'alice', ['member'])
  const admin = app.as('acme', 'root', ['tenant_admin'])
  const group = (
    await alice({ method: 'POST', url: '/v2/groups', payload: { name: 'Ops', groupType: 'team' } })
  ).json().data
  t.equal((await historyOf(t, admin, 'group', group.id)).length, 1)

  for (const url of ['/v2/audit', `/v2/audit?entityType=group&entityId=${group.id}`]) {
    const byMember = await alice({ method: 'GET', url })
    t.equal(byMember.statusCode, 403, `member: ${url}`)
    t.equal(byMember.json().error.code, 'FORBIDDEN')
  }

  const foreign = app.as('globex', 'root', ['tenant_admin'])
  const foreignAll = await foreign({ method: 'GET', url: '/v2/audit' })
  t.equal(foreignAll.statusCode, 200)
  t.same(foreignAll.json().data, [])
  const foreignEntity = await foreign({
    method: 'GET',
    url: `/v2/audit?entityType=group&entityId=${group.id}`,
  })
  t.equal(foreignEntity.statusCode, 200)
  t.same(foreignEntity.json().data, [])

  const bad = [
    `entityType=group`,
    `entityId=${group.id}`,
    `entityType=group&entityId=${group.id}&from=2024-01-01T00:00:00Z`,
    `entityType=group&entityId=${group.id}&to=2099-01-01T00:00:00Z`,
    `entityType=widget&entityId=${group.id}`,
    'from=yesterday',
    'limit=0',
    'limit=101',
    'tenantId=globex',
  ]
  for (const query of bad) {
    const response = await admin({ method: 'GET', url: `/v2/audit?${query}` })
    t.equal(response.statusCode, 400, query)
    t.equal(response.json().error.code, 'VALIDATION_ERROR')
  }
})

t.test('a refused or failed write leaves no entry', async (t) => {
  const app = await buildTestApp(t)
  const alice = app.as('acme', 'alice', ['member'])
  const bob = app.as('acme', 'bob', ['member'])
  const admin = app.as('acme', 'root', ['tenant_admin'])
  const root = app.as('platform', 'root', ['platform_admin'])

  const group = (
    await alice({
      method: 'POST',
      url: '/v2/groups',
      payload: { name: 'Ops', groupType: 'team', privacySettings: { visibility: 'tenant' } },
    })
  ).json().data
  await admin({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'u1', email: 'one@example.com', name: 'One' },
  })
  await admin({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'u2', email: 'two@example.com', name: 'Two' },
  })
  const countBefore = (await allEntries(t, admin, {})).entries.length
  t.equal(countBefore, 3)

  const refusals = [
    {
      what: 'group PATCH with a stale If-Match',
      status: 412,
      send: () =>
        alice({
          method: 'PATCH',
          url: `/v2/groups/${group.id}`,
          headers: { 'if-match': '"5"' },
          payload: { name: 'X' },
        }),
    },
    {
      what: 'group DELETE with a stale If-Match',
      status: 412,
      send: () => alice({ method: 'DELETE', url: `/v2/groups/${group.id}`, headers: { 'if-match': '"5"' } }),
    },
    {
      what: 'group PATCH by someone who may only read it',
      status: 403,
      send: () => bob({ method: 'PATCH', url: `/v2/groups/${group.id}`, payload: { name: 'Mine now' } }),
    },
    {
      what: 'user POST with a taken email',
      status: 409,
      send: () =>
        admin({
          method: 'POST',
          url: '/v2/users',
          payload: { id: 'u3', email: 'ONE@example.com', name: 'Three' },
        }),
    },
    {
      what: 'user PATCH to a taken email',
      status: 409,
      send: () => admin({ method: 'PATCH', url: '/v2/users/u2', payload: { email: 'one@example.com' } }),
    },
    {
      what: 'user PATCH with a stale If-Match',
      status: 412,
      send: () =>
        admin({
          method: 'PATCH',
          url: '/v2/users/u2',
          headers: { 'if-match': '"3"' },
          payload: { name: 'Z' },
        }),
    },
    {
      what: 'user POST with a taken id',
      status: 409,
      send: () =>
        admin({
          method: 'POST',
          url: '/v2/users',
          payload: { id: 'u1', email: 'other@example.com', name: 'Dup' },
        }),
    },
  ]
  for (const refusal of refusals) {
    const response = await refusal.send()
    t.equal(response.statusCode, refusal.status, refusal.what)
  }
  const after = await allEntries(t, admin, {})
  t.equal(after.entries.length, countBefore, 'no entry for any refused write')
  t.same((await historyOf(t, admin, 'user', 'u3')).length, 0, 'the refused user has no history')
  t.same(
    (await historyOf(t, admin, 'group', group.id)).map((entry) => entry.action),
    ['create'],
  )

  t.equal(
    (await root({ method: 'POST', url: '/v2/tenants', payload: { id: 'acme', name: 'Acme' } })).statusCode,
    201,
  )
  const duplicateTenant = await root({
    method: 'POST',
    url: '/v2/tenants',
    payload: { id: 'acme', name: 'Again' },
  })
  t.equal(duplicateTenant.statusCode, 409)
  const staleTenant = await root({
    method: 'PATCH',
    url: '/v2/tenants/acme',
    headers: { 'if-match': '"4"' },
    payload: { status: 'suspended' },
  })
  t.equal(staleTenant.statusCode, 412)
  t.same(
    (await historyOf(t, admin, 'tenant', 'acme')).map((entry) => entry.action),
    ['create'],
    'one entry for the tenant created, none for the refused create and update',
  )
})

t.test('under concurrency, every acknowledged update has its entry and no other does', async (t) => {
  const app = await buildTestApp(t)
  const admin = app.as('acme', 'root', ['tenant_admin'])
  const group = (
    await admin({ method: 'POST', url: '/v2/groups', payload: { name: 'Race', groupType: 'team' } })
  ).json().data

  const writers = 12
  const responses = await Promise.all(
    Array.from({ length: writers }, (_, i) =>
      admin({ method: 'PATCH', url: `/v2/groups/${group.id}`, payload: { description: `writer ${i}` } }),
    ),
  )
  const statuses = responses.map((response) => response.statusCode)
  const winners = responses.filter((response) => response.statusCode === 200)
  t.equal(
    winners.length + responses.filter((response) => response.statusCode === 409).length,
    writers,
    `only 200 or 409: ${statuses.join(',')}`,
  )
  t.ok(winners.length >= 1)

  const history = await historyOf(t, admin, 'group', group.id)
  const updates = history.filter((entry) => entry.action === 'update')
  t.equal(updates.length, winners.length, `one update entry per 200 (${winners.length})`)
  t.equal(history.length, winners.length + 1)
  t.same(
    updates.map((entry) => entry.newValues?.description).sort(),
    winners.map((response) => response.json().data.description).sort(),
    'the entries are exactly the acknowledged writes',
  )
  const final = (await admin({ method: 'GET', url: `/v2/groups/${group.id}` })).json().data
  t.equal(final.version, winners.length + 1)
  t.equal(updates[0]?.newValues?.description, final.description, 'the newest entry is the stored state')
})
