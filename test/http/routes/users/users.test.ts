import { randomBytes } from 'node:crypto'
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { userIdOf } from '../../../../src/models/index.js'
import { buildTestApp, type TestApp } from '../../../helpers/app.js'
import { scanTable } from '../../../helpers/table.js'

type Inject = ReturnType<TestApp['as']>

const userKey = (tenantId: string, id: string) => ({
  pk: `tenant#${tenantId}#user#${userIdOf(id)}`,
  sk: `user#${userIdOf(id)}`,
})

async function rawUser(app: TestApp, tenantId: string, id: string) {
  const output = await app.document.send(
    new GetCommand({ TableName: app.tableName, Key: userKey(tenantId, id), ConsistentRead: true }),
  )
  return output.Item
}

/** The master key id a stored ciphertext names (its second dot-separated part). */
const keyIdOf = (ciphertext: unknown) =>
  Buffer.from(String(ciphertext).split('.')[1] ?? '', 'base64url').toString('utf8')

async function createUser(admin: Inject, payload: Record<string, unknown>) {
  const response = await admin({ method: 'POST', url: '/v2/users', payload })
  if (response.statusCode !== 201)
    throw new Error(`user not created: ${response.statusCode} ${response.body}`)
  return response.json().data
}

/** A 500 that says nothing about what went wrong inside, and never shows `secret`. */
function assertOpaqueInternalError(t: Test, response: LightMyRequestResponse, secret: string) {
  t.equal(response.statusCode, 500)
  const body = response.json()
  t.equal(body.success, false)
  t.equal(body.error.code, 'INTERNAL_ERROR')
  t.notOk('stack' in body.error, 'no stack in the envelope')
  t.notOk(response.body.includes(secret), 'the plaintext of another user never leaks')
  t.notOk(response.body.toLowerCase().includes(secret.toLowerCase()))
  t.notMatch(response.body, /DecryptionError|field-cipher|\bat .+:\d+:\d+/, 'no internals or stack frames')
}

t.test('tenant admins create users; members cannot', async (t) => {
  const app = await buildTestApp(t)
  const admin = app.as('acme', 'root', ['tenant_admin'])
  const member = app.as('acme', 'mia', ['member'])

  const named = await admin({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'bob', email: 'Bob@Example.com', name: 'Bob', phone: '+1 555 0100' },
  })
  t.equal(named.statusCode, 201)
  t.equal(named.headers.location, '/v2/users/bob')
  t.equal(named.headers.etag, '"1"')
  t.match(named.json().data, {
    id: 'bob',
    tenantId: 'acme',
    email: 'Bob@Example.com',
    name: 'Bob',
    phone: '+1 555 0100',
    roles: ['member'],
    version: 1,
  })

  const generated = await admin({
    method: 'POST',
    url: '/v2/users',
    payload: { email: 'carol@example.com', name: 'Carol', roles: ['tenant_admin'] },
  })
  t.equal(generated.statusCode, 201)
  const carol = generated.json().data
  t.match(carol.id, /^[0-9A-Z]{26}$/, 'an id is generated when none is given')
  t.equal(generated.headers.location, `/v2/users/${carol.id}`)
  const atLocation = await admin({ method: 'GET', url: String(generated.headers.location) })
  t.equal(atLocation.statusCode, 200, 'the generated user is read at its Location')
  t.equal(atLocation.json().data?.id, carol.id)
  t.same(carol.roles, ['tenant_admin'])
  t.equal(carol.phone, null)

  const byMember = await member({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'eve', email: 'eve@example.com', name: 'Eve' },
  })
  t.equal(byMember.statusCode, 403)
  t.equal(byMember.json().error.code, 'FORBIDDEN')
  t.notOk(await rawUser(app, 'acme', 'eve'), 'nothing was written for the refused request')

  const sameId = await admin({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'bob', email: 'other-bob@example.com', name: 'Bob 2' },
  })
  t.equal(sameId.statusCode, 409)
  t.equal(sameId.json().error.code, 'CONFLICT')
})

t.test('reading profiles: me, self, tenant admin, others', async (t) => {
  const app = await buildTestApp(t)
  const admin = app.as('acme', 'root', ['tenant_admin'])
  await createUser(admin, { id: 'bob', email: 'bob@example.com', name: 'Bob' })
  await createUser(admin, { id: 'dan', email: 'dan@example.com', name: 'Dan' })
  const bob = app.as('acme', 'bob', ['member'])

  const me = await bob({ method: 'GET', url: '/v2/users/me' })
  t.equal(me.statusCode, 200)
  t.match(me.json().data, { id: 'bob', email: 'bob@example.com', name: 'Bob' })
  t.equal(me.headers.etag, '"1"')

  const dan = await app.as('acme', 'dan', ['member'])({ method: 'GET', url: '/v2/users/me' })
  t.equal(dan.json().data.id, 'dan', 'the profile is the one named by the token’s sub')

  const ghost = await app.as('acme', 'ghost', ['member'])({ method: 'GET', url: '/v2/users/me' })
  t.equal(ghost.statusCode, 404)
  t.equal(ghost.json().error.code, 'NOT_FOUND')

  const otherTenantBob = await app.as('globex', 'bob', ['member'])({ method: 'GET', url: '/v2/users/me' })
  t.equal(otherTenantBob.statusCode, 404, 'the same sub in another tenant has no profile there')

  const self = await bob({ method: 'GET', url: '/v2/users/bob' })
  t.equal(self.statusCode, 200)
  t.equal(self.json().data.email, 'bob@example.com')

  const byAdmin = await admin({ method: 'GET', url: '/v2/users/bob' })
  t.equal(byAdmin.statusCode, 200)
  t.same(byAdmin.json().data, self.json().data)

  const byPeer = await bob({ method: 'GET', url: '/v2/users/dan' })
  t.equal(byPeer.statusCode, 404)
  t.equal(byPeer.json().error.code, 'NOT_FOUND')

  const byForeignAdmin = await app.as('globex', 'root', ['tenant_admin'])({
    method: 'GET',
    url: '/v2/users/bob',
  })
  t.equal(byForeignAdmin.statusCode, 404)

  const missing = await admin({ method: 'GET', url: '/v2/users/nobody' })
  t.equal(missing.statusCode, 404)
})

t.test('listing users: tenant admins only, paged, and exact email lookup', async (t) => {
  const app = await buildTestApp(t)
  const admin = app.as('acme', 'root', ['tenant_admin'])
  const created = new Set<string>()
  for (let i = 0; i < 12; i++) {
    const user = await createUser(admin, {
      id: `user-${String(i).padStart(2, '0')}`,
      email: `user${i}@example.com`,
      name: `User ${String(i).padStart(2, '0')}`,
    })
    created.add(user.id)
  }
  await createUser(app.as('globex', 'root', ['tenant_admin']), {
    id: 'outsider',
    email: 'user0@example.com',
    name: 'Outsider',
  })

  const seen: string[] = []
  const names: string[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const query = new URLSearchParams({ limit: '5', ...(cursor ? { cursor } : {}) })
    const response = await admin({ method: 'GET', url: `/v2/users?${query}` })
    t.equal(response.statusCode, 200)
    const body = response.json()
    t.equal(body.page.limit, 5)
    t.ok(body.data.length <= 5)
    for (const user of body.data) {
      seen.push(user.id)
      names.push(user.name)
      t.equal(user.tenantId, 'acme')
      t.match(user.email, /^user\d+@example\.com$/, 'emails come back decrypted in lists')
    }
    cursor = body.page.nextCursor ?? undefined
    pages++
  } while (cursor && pages < 10)
  t.equal(pages, 3)
  t.equal(seen.length, 12)
  t.same(new Set(seen), created, 'every user exactly once, none of another tenant')
  t.same(names, [...names].sort(), 'by name')

  const member = await app.as('acme', 'user-00', ['member'])({ method: 'GET', url: '/v2/users' })
  t.equal(member.statusCode, 403)
  t.equal(member.json().error.code, 'FORBIDDEN')
  const memberLookup = await app.as('acme', 'user-00', ['member'])({
    method: 'GET',
    url: '/v2/users?email=user1@example.com',
  })
  t.equal(memberLookup.statusCode, 403)

  const exact = await admin({ method: 'GET', url: '/v2/users?email=user7@example.com' })
  t.equal(exact.statusCode, 200)
  t.same(
    exact.json().data.map((u: { id: string }) => u.id),
    ['user-07'],
  )
  t.equal(exact.json().page.nextCursor, null)

  const upperCase = await admin({ method: 'GET', url: '/v2/users?email=USER7@Example.COM' })
  t.equal(upperCase.statusCode, 200)
  t.same(
    upperCase.json().data.map((u: { id: string }) => u.id),
    ['user-07'],
    'case does not matter',
  )

  const padded = await admin({
    method: 'GET',
    url: `/v2/users?email=${encodeURIComponent('  User7@example.com ')}`,
  })
  t.equal(padded.statusCode, 200, 'surrounding blanks are trimmed')
  t.same(
    padded.json().data?.map((u: { id: string }) => u.id),
    ['user-07'],
  )

  const unknown = await admin({ method: 'GET', url: '/v2/users?email=nobody@example.com' })
  t.equal(unknown.statusCode, 200)
  t.same(unknown.json().data, [])

  const foreign = await app.as('globex', 'root', ['tenant_admin'])({
    method: 'GET',
    url: '/v2/users?email=user0@example.com',
  })
  t.same(
    foreign.json().data.map((u: { id: string }) => u.id),
    ['outsider'],
    'the same email in another tenant is another user',
  )
})

t.test('updating users: self, roles, email uniqueness, If-Match, delete', async (t) => {
  const app = await buildTestApp(t)
  const admin = app.as('acme', 'root', ['tenant_admin'])
  await createUser(admin, { id: 'bob', email: 'bob@example.com', name: 'Bob' })
  await createUser(admin, { id: 'dan', email: 'dan@example.com', name: 'Dan' })
  const bob = app.as('acme', 'bob', ['member'])

  const own = await bob({
    method: 'PATCH',
    url: '/v2/users/bob',
    headers: { 'if-match': '"1"' },
    payload: { name: 'Robert', phone: '+44 20 7946 0000' },
  })
  t.equal(own.statusCode, 200)
  t.match(own.json().data, { name: 'Robert', phone: '+44 20 7946 0000', version: 2, roles: ['member'] })
  t.equal(own.headers.etag, '"2"')

  const ownRoles = await bob({ method: 'PATCH', url: '/v2/users/bob', payload: { roles: ['tenant_admin'] } })
  t.equal(ownRoles.statusCode, 403)
  t.equal(ownRoles.json().error.code, 'FORBIDDEN')
  t.same((await bob({ method: 'GET', url: '/v2/users/me' })).json().data.roles, ['member'])

  const peer = await bob({ method: 'PATCH', url: '/v2/users/dan', payload: { name: 'Hacked' } })
  t.equal(peer.statusCode, 404)
  t.equal(peer.json().error.code, 'NOT_FOUND')

  const promoted = await admin({
    method: 'PATCH',
    url: '/v2/users/bob',
    payload: { roles: ['tenant_admin'] },
  })
  t.equal(promoted.statusCode, 200)
  t.same(promoted.json().data.roles, ['tenant_admin'])
  t.equal(promoted.json().data.version, 3)

  const stale = await admin({
    method: 'PATCH',
    url: '/v2/users/bob',
    headers: { 'if-match': '"1"' },
    payload: { name: 'Stale' },
  })
  t.equal(stale.statusCode, 412)
  t.equal(stale.json().error.code, 'PRECONDITION_FAILED')

  const taken = await bob({ method: 'PATCH', url: '/v2/users/bob', payload: { email: 'DAN@example.com' } })
  t.equal(taken.statusCode, 409, 'another user’s email, whatever its case')
  t.equal(taken.json().error.code, 'CONFLICT')
  const afterConflict = (await admin({ method: 'GET', url: '/v2/users/bob' })).json().data
  t.equal(afterConflict.email, 'bob@example.com')
  t.equal(afterConflict.version, 3, 'the refused change wrote nothing')

  const recased = await bob({ method: 'PATCH', url: '/v2/users/bob', payload: { email: 'BOB@example.com' } })
  t.equal(recased.statusCode, 200, 'one’s own email in another case is not a conflict')

  const moved = await bob({ method: 'PATCH', url: '/v2/users/bob', payload: { email: 'robert@example.com' } })
  t.equal(moved.statusCode, 200)
  t.equal(moved.json().data.email, 'robert@example.com')
  const oldLookup = await admin({ method: 'GET', url: '/v2/users?email=bob@example.com' })
  t.same(oldLookup.json().data, [], 'the old email no longer finds anyone')
  const newLookup = await admin({ method: 'GET', url: '/v2/users?email=robert@example.com' })
  t.same(
    newLookup.json().data.map((u: { id: string }) => u.id),
    ['bob'],
  )
  const reuse = await admin({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'bobby', email: 'bob@example.com', name: 'Bobby' },
  })
  t.equal(reuse.statusCode, 201, 'the old email is free again')
  const stillTaken = await admin({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'robin', email: 'Robert@example.com', name: 'Robin' },
  })
  t.equal(stillTaken.statusCode, 409, 'the new one is claimed')

  const staleDelete = await admin({ method: 'DELETE', url: '/v2/users/dan', headers: { 'if-match': '"9"' } })
  t.equal(staleDelete.statusCode, 412)
  t.equal(staleDelete.json().error.code, 'PRECONDITION_FAILED')
  t.equal((await admin({ method: 'GET', url: '/v2/users/dan' })).statusCode, 200)

  const peerDelete = await app.as('acme', 'mia', ['member'])({ method: 'DELETE', url: '/v2/users/dan' })
  t.equal(peerDelete.statusCode, 404, 'a member cannot delete someone else')
  t.equal((await admin({ method: 'GET', url: '/v2/users/dan' })).statusCode, 200)
  const deleted = await admin({ method: 'DELETE', url: '/v2/users/dan', headers: { 'if-match': '"1"' } })
  t.equal(deleted.statusCode, 204)
  t.equal((await admin({ method: 'GET', url: '/v2/users/dan' })).statusCode, 404)
  t.same((await admin({ method: 'GET', url: '/v2/users?email=dan@example.com' })).json().data, [])
  const danAgain = await admin({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'daniel', email: 'dan@example.com', name: 'Daniel' },
  })
  t.equal(danAgain.statusCode, 201, 'a deleted user’s email is free again')
  t.same(
    (await admin({ method: 'GET', url: '/v2/users?email=dan@example.com' }))
      .json()
      .data.map((u: { id: string }) => u.id),
    ['daniel'],
  )
})

t.test('email and phone are encrypted at rest, bound to their item', async (t) => {
  // No read cache, so every read below decrypts what is stored now.
  const app = await buildTestApp(t, { env: { CACHE_TTL_MS: '0' } })
  const admin = app.as('acme', 'root', ['tenant_admin'])
  const alice = await createUser(admin, {
    id: 'Alice',
    email: 'Alice.Secret@Example.com',
    name: 'Alice',
    phone: '+1 555 0199',
  })
  t.equal(alice.email, 'Alice.Secret@Example.com', 'the response shows the plaintext')
  t.equal(alice.phone, '+1 555 0199')
  await createUser(admin, { id: 'bob', email: 'bob.private@example.com', name: 'Bob' })

  const raw = await rawUser(app, 'acme', 'Alice')
  t.ok(raw, 'the item is stored under its key-safe id')
  const stored = JSON.stringify(raw)
  for (const secret of ['Alice.Secret@Example.com', 'alice.secret@example.com', '+1 555 0199', '555 0199']) {
    t.notOk(stored.includes(secret), `no plaintext ${secret} in the item`)
  }
  t.match(raw?.email, /^enc1\./)
  t.match(raw?.phone, /^enc1\./)
  t.not(raw?.email, raw?.phone)
  t.equal(raw?.name, 'Alice', 'fields that are not secret stay readable')

  const read = await admin({ method: 'GET', url: '/v2/users/Alice' })
  t.equal(read.statusCode, 200)
  t.match(read.json().data, { email: 'Alice.Secret@Example.com', phone: '+1 555 0199' })

  // Someone with write access to the table moves Alice's ciphertext into Bob's item.
  await app.document.send(
    new UpdateCommand({
      TableName: app.tableName,
      Key: userKey('acme', 'bob'),
      UpdateExpression: 'SET #email = :email',
      ExpressionAttributeNames: { '#email': 'email' },
      ExpressionAttributeValues: { ':email': raw?.email },
    }),
  )
  const swapped = await admin({ method: 'GET', url: '/v2/users/bob' })
  assertOpaqueInternalError(t, swapped, 'Alice.Secret@Example.com')
  const asBob = await app.as('acme', 'bob', ['member'])({ method: 'GET', url: '/v2/users/me' })
  assertOpaqueInternalError(t, asBob, 'Alice.Secret@Example.com')
  t.equal((await admin({ method: 'GET', url: '/v2/users/Alice' })).statusCode, 200, 'Alice is unharmed')
})

t.test('a rotated master key still decrypts old items; new items use the new key', async (t) => {
  const k1 = randomBytes(32).toString('base64')
  const k2 = randomBytes(32).toString('base64')
  const app1 = await buildTestApp(t, { env: { LOCAL_MASTER_KEYS: `k1:${k1}` } })
  const old = await createUser(app1.as('acme', 'root', ['tenant_admin']), {
    id: 'old',
    email: 'old@example.com',
    name: 'Old',
    phone: '+1 555 0001',
  })
  t.equal(keyIdOf((await rawUser(app1, 'acme', 'old'))?.email), 'local:k1')

  const app2 = await buildTestApp(t, {
    env: { APP_TABLE_NAME: app1.tableName, LOCAL_MASTER_KEYS: `k2:${k2},k1:${k1}` },
  })
  // buildTestApp's own fresh table goes unused: the app works on app1's (raw reads go there too).
  t.equal(app2.config.dynamodb.tableName, app1.tableName)
  const admin2 = app2.as('acme', 'root', ['tenant_admin'])
  const readBack = await admin2({ method: 'GET', url: '/v2/users/old' })
  t.equal(readBack.statusCode, 200)
  t.match(readBack.json().data, { email: 'old@example.com', phone: '+1 555 0001', version: old.version })
  const lookup = await admin2({ method: 'GET', url: '/v2/users?email=OLD@example.com' })
  t.same(
    lookup.json().data.map((u: { id: string }) => u.id),
    ['old'],
    'the blind index does not depend on the master key',
  )

  await createUser(admin2, { id: 'new', email: 'new@example.com', name: 'New', phone: '+1 555 0002' })
  const rawNew = await rawUser(app1, 'acme', 'new')
  t.equal(keyIdOf(rawNew?.email), 'local:k2', 'new values are wrapped with the current key')
  t.equal(keyIdOf(rawNew?.phone), 'local:k2')
  t.equal(keyIdOf((await rawUser(app1, 'acme', 'old'))?.email), 'local:k1', 'old items are left as they were')
  const duplicate = await admin2({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'old-again', email: 'old@example.com', name: 'Old again' },
  })
  t.equal(duplicate.statusCode, 409, 'uniqueness holds across the rotation')

  const app3 = await buildTestApp(t, {
    env: { APP_TABLE_NAME: app1.tableName, LOCAL_MASTER_KEYS: `k2:${k2}` },
  })
  const admin3 = app3.as('acme', 'root', ['tenant_admin'])
  assertOpaqueInternalError(t, await admin3({ method: 'GET', url: '/v2/users/old' }), 'old@example.com')
  const fresh = await admin3({ method: 'GET', url: '/v2/users/new' })
  t.equal(fresh.statusCode, 200)
  t.equal(fresh.json().data.email, 'new@example.com')
})

t.test('parallel creates with one email: exactly one wins', async (t) => {
  const app = await buildTestApp(t)
  const admin = app.as('acme', 'root', ['tenant_admin'])
  const attempts = 20
  const responses = await Promise.all(
    Array.from({ length: attempts }, (_, i) =>
      admin({
        method: 'POST',
        url: '/v2/users',
        payload: { id: `racer-${i}`, email: i % 2 ? 'Race@example.com' : 'race@example.com', name: `R${i}` },
      }),
    ),
  )
  const statuses = responses.map((response) => response.statusCode)
  const winners = responses.filter((response) => response.statusCode === 201)
  const losers = responses.filter((response) => response.statusCode === 409)
  t.equal(winners.length, 1, `one 201: ${statuses.join(',')}`)
  t.equal(losers.length, attempts - 1, 'the rest 409')
  for (const loser of losers) t.equal(loser.json().error.code, 'CONFLICT')
  const winner = winners[0]?.json().data

  const items = await scanTable(app)
  const users = items.filter((item) => item.model_name === 'user')
  const claims = items.filter((item) => item.model_name === 'user_email_claim')
  t.equal(users.length, 1, 'one user stored')
  t.equal(users[0]?.id, winner?.id)
  t.equal(claims.length, 1, 'one email claim stored')
  t.equal(claims[0]?.user_id, winner?.id, 'the claim is the winner’s')
  t.equal(
    items.filter((item) => item.model_name === 'audit_entry').length,
    1,
    'only the winner left an audit entry',
  )

  const found = await admin({ method: 'GET', url: '/v2/users?email=race@example.com' })
  t.same(
    found.json().data.map((u: { id: string }) => u.id),
    [winner?.id],
  )
})
