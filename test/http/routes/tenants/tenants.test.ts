import t, { type Test } from 'tap'
import { buildTestApp, type TestApp } from '../../../helpers/app.js'

type Inject = ReturnType<TestApp['as']>

const platform = (app: TestApp) => app.as('platform', 'root', ['platform_admin'])

async function createTenant(admin: Inject, payload: Record<string, unknown>) {
  const response = await admin({ method: 'POST', url: '/v2/tenants', payload })
  if (response.statusCode !== 201)
    throw new Error(`tenant not created: ${response.statusCode} ${response.body}`)
  return response.json().data
}

t.test('platform admins create tenants, with or without an id', async (t) => {
  const app = await buildTestApp(t)
  const root = platform(app)

  const named = await root({
    method: 'POST',
    url: '/v2/tenants',
    payload: { id: 'acme', name: 'Acme Corp', tier: 'premium' },
  })
  t.equal(named.statusCode, 201)
  t.equal(named.headers.location, '/v2/tenants/acme')
  t.equal(named.headers.etag, '"1"')
  t.match(named.json().data, { id: 'acme', name: 'Acme Corp', tier: 'premium', status: 'active', version: 1 })
  t.equal(named.json().data.createdUtc, named.json().data.updatedUtc)

  const generated = await root({ method: 'POST', url: '/v2/tenants', payload: { name: 'Globex' } })
  t.equal(generated.statusCode, 201)
  const globex = generated.json().data
  t.match(globex.id, /^[0-9a-z]{26}$/, 'a generated id is a lower-case ULID, usable as tenant_id')
  t.equal(generated.headers.location, `/v2/tenants/${globex.id}`)
  t.equal(generated.headers.etag, '"1"')
  t.match(globex, { name: 'Globex', tier: 'standard', status: 'active' })
  const readGenerated = await root({ method: 'GET', url: `/v2/tenants/${globex.id}` })
  t.equal(readGenerated.statusCode, 200)
  t.same(readGenerated.json().data, globex)

  const duplicate = await root({
    method: 'POST',
    url: '/v2/tenants',
    payload: { id: 'acme', name: 'Other Acme' },
  })
  t.equal(duplicate.statusCode, 409)
  t.equal(duplicate.json().error.code, 'CONFLICT')
  const unchanged = await root({ method: 'GET', url: '/v2/tenants/acme' })
  t.match(unchanged.json().data, { name: 'Acme Corp', tier: 'premium', version: 1 }, 'the first one is kept')

  const badId = await root({ method: 'POST', url: '/v2/tenants', payload: { id: 'Has#Hash', name: 'Bad' } })
  t.equal(badId.statusCode, 400)
  t.equal(badId.json().error.code, 'VALIDATION_ERROR')

  for (const roles of [['tenant_admin'], ['member']] as const) {
    const caller = app.as('acme', 'someone', [...roles])
    const post = await caller({
      method: 'POST',
      url: '/v2/tenants',
      payload: { id: 'sneaky', name: 'Sneaky' },
    })
    t.equal(post.statusCode, 403, `${roles[0]} cannot create tenants`)
    t.equal(post.json().error.code, 'FORBIDDEN')
    const list = await caller({ method: 'GET', url: '/v2/tenants' })
    t.equal(list.statusCode, 403, `${roles[0]} cannot list tenants`)
    t.equal(list.json().error.code, 'FORBIDDEN')
  }
  t.equal((await root({ method: 'GET', url: '/v2/tenants/sneaky' })).statusCode, 404, 'nothing was created')
})

t.test('platform admins list every tenant, page by page', async (t) => {
  const app = await buildTestApp(t)
  const root = platform(app)
  const created = new Set<string>()
  const batch = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      createTenant(root, { id: `tenant-${String(i).padStart(2, '0')}`, name: `Tenant ${(i * 7) % 30}` }),
    ),
  )
  for (const tenant of batch) created.add(tenant.id)

  const seen: string[] = []
  const names: string[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const query = new URLSearchParams({ limit: '7', ...(cursor ? { cursor } : {}) })
    const response = await root({ method: 'GET', url: `/v2/tenants?${query}` })
    t.equal(response.statusCode, 200)
    const body = response.json()
    t.equal(body.page.limit, 7)
    t.ok(body.data.length <= 7 && body.data.length > 0, 'pages are never empty or too long')
    for (const tenant of body.data) {
      seen.push(tenant.id)
      names.push(tenant.name.toLowerCase())
    }
    cursor = body.page.nextCursor ?? undefined
    pages++
  } while (cursor && pages < 20)
  t.equal(pages, 5, '30 tenants in pages of 7')
  t.equal(seen.length, 30, 'no tenant twice')
  t.same(new Set(seen), created, 'no tenant missing')
  t.same(names, [...names].sort(), 'by name')

  const tampered = await root({ method: 'GET', url: '/v2/tenants?cursor=not-a-real-cursor' })
  t.equal(tampered.statusCode, 400)
  t.equal(tampered.json().error.code, 'VALIDATION_ERROR')
})

t.test('reading a tenant: platform admins and its own members only', async (t) => {
  const app = await buildTestApp(t)
  const root = platform(app)
  const acme = await createTenant(root, { id: 'acme', name: 'Acme', tier: 'basic' })
  await createTenant(root, { id: 'globex', name: 'Globex' })

  const byRoot = await root({ method: 'GET', url: '/v2/tenants/acme' })
  t.equal(byRoot.statusCode, 200)
  t.same(byRoot.json().data, acme)
  t.equal(byRoot.headers.etag, '"1"')

  for (const roles of [['member'], ['tenant_admin']] as const) {
    const own = await app.as('acme', 'alice', [...roles])({ method: 'GET', url: '/v2/tenants/acme' })
    t.equal(own.statusCode, 200, `a ${roles[0]} of acme reads acme`)
    t.same(own.json().data, acme)

    const foreign = await app.as('globex', 'gary', [...roles])({ method: 'GET', url: '/v2/tenants/acme' })
    t.equal(foreign.statusCode, 404, `a ${roles[0]} of globex does not see acme`)
    t.equal(foreign.json().error.code, 'NOT_FOUND')
  }

  const missing = await root({ method: 'GET', url: '/v2/tenants/nobody' })
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().error.code, 'NOT_FOUND')
})

t.test('changing a tenant: platform admins only, guarded by If-Match', async (t) => {
  const app = await buildTestApp(t)
  const root = platform(app)
  const acme = await createTenant(root, { id: 'acme', name: 'Acme', tier: 'basic' })
  await createTenant(root, { id: 'globex', name: 'Globex' })

  const renamed = await root({
    method: 'PATCH',
    url: '/v2/tenants/acme',
    headers: { 'if-match': '"1"' },
    payload: { name: 'Acme Industries', tier: 'premium' },
  })
  t.equal(renamed.statusCode, 200)
  t.match(renamed.json().data, {
    id: 'acme',
    name: 'Acme Industries',
    tier: 'premium',
    status: 'active',
    version: 2,
  })
  t.equal(renamed.headers.etag, '"2"')
  t.equal(renamed.json().data.createdUtc, acme.createdUtc)

  const stale = await root({
    method: 'PATCH',
    url: '/v2/tenants/acme',
    headers: { 'if-match': '"1"' },
    payload: { status: 'suspended' },
  })
  t.equal(stale.statusCode, 412)
  t.equal(stale.json().error.code, 'PRECONDITION_FAILED')
  t.match((await root({ method: 'GET', url: '/v2/tenants/acme' })).json().data, {
    status: 'active',
    version: 2,
  })

  const status = await root({
    method: 'PATCH',
    url: '/v2/tenants/acme',
    headers: { 'if-match': '"2"' },
    payload: { status: 'suspended' },
  })
  t.equal(status.statusCode, 200)
  t.match(status.json().data, { status: 'suspended', name: 'Acme Industries', tier: 'premium', version: 3 })
  const back = await root({ method: 'PATCH', url: '/v2/tenants/acme', payload: { status: 'active' } })
  t.equal(back.statusCode, 200)
  t.equal(back.json().data.version, 4)

  const ownAdmin = await app.as('acme', 'alice', ['tenant_admin'])({
    method: 'PATCH',
    url: '/v2/tenants/acme',
    payload: { tier: 'premium' },
  })
  t.equal(ownAdmin.statusCode, 403)
  t.equal(ownAdmin.json().error.code, 'FORBIDDEN')

  const foreignAdmin = await app.as('globex', 'gary', ['tenant_admin'])({
    method: 'PATCH',
    url: '/v2/tenants/acme',
    payload: { name: 'Taken over' },
  })
  t.equal(foreignAdmin.statusCode, 404)
  t.equal(foreignAdmin.json().error.code, 'NOT_FOUND')
  t.match(
    (await root({ method: 'GET', url: '/v2/tenants/acme' })).json().data,
    { name: 'Acme Industries', version: 4 },
    'the refused changes wrote nothing',
  )

  const missing = await root({ method: 'PATCH', url: '/v2/tenants/nobody', payload: { name: 'X' } })
  t.equal(missing.statusCode, 404)
  const empty = await root({ method: 'PATCH', url: '/v2/tenants/acme', payload: {} })
  t.equal(empty.statusCode, 400)
  t.equal(empty.json().error.code, 'VALIDATION_ERROR')
})

let sequence = 0

/** Requests a suspended tenant's users make, on group and user routes. */
function tenantRequests(app: TestApp, tenantId: string) {
  const member = app.as(tenantId, 'alice', ['member'])
  const admin = app.as(tenantId, 'root', ['tenant_admin'])
  return [
    () => member({ method: 'GET', url: '/v2/groups' }),
    () => member({ method: 'POST', url: '/v2/groups', payload: { name: 'Team', groupType: 'team' } }),
    () => member({ method: 'GET', url: '/v2/users/me' }),
    () => admin({ method: 'GET', url: '/v2/users' }),
    () =>
      admin({
        method: 'POST',
        url: '/v2/users',
        payload: { email: `user${++sequence}@example.com`, name: 'X' },
      }),
    () => admin({ method: 'GET', url: '/v2/groups' }),
    () => admin({ method: 'GET', url: `/v2/tenants/${tenantId}` }),
  ]
}

async function assertSuspended(t: Test, app: TestApp, tenantId: string) {
  for (const request of tenantRequests(app, tenantId)) {
    const response = await request()
    t.equal(response.statusCode, 403)
    t.equal(response.json().error?.code, 'TENANT_SUSPENDED')
  }
}

async function assertActive(t: Test, app: TestApp, tenantId: string) {
  for (const request of tenantRequests(app, tenantId)) {
    const response = await request()
    t.ok(response.statusCode < 300, `active: ${response.statusCode} ${response.body.slice(0, 200)}`)
  }
}

t.test('a suspended tenant’s users are refused at once on the instance that suspended it', async (t) => {
  // Default TENANT_CACHE_TTL_MS: the instance that did the PATCH must not serve its cached standing.
  const app = await buildTestApp(t)
  t.ok(app.config.tenantCacheTtlMs > 0, 'the tenant cache is on')
  const root = platform(app)
  await createTenant(root, { id: 'acme', name: 'Acme' })
  await createTenant(root, { id: 'globex', name: 'Globex' })
  await createUser(app, 'acme', 'alice')
  await createUser(app, 'globex', 'alice')

  // Warm every cache with acme's active standing.
  await assertActive(t, app, 'acme')

  const suspended = await root({ method: 'PATCH', url: '/v2/tenants/acme', payload: { status: 'suspended' } })
  t.equal(suspended.statusCode, 200)
  t.equal(suspended.json().data.status, 'suspended')
  await assertSuspended(t, app, 'acme')

  const homeAdmin = app.as('acme', 'ops', ['platform_admin'])
  const adminGroups = await homeAdmin({ method: 'GET', url: '/v2/groups' })
  t.equal(adminGroups.statusCode, 200, 'a platform admin of the suspended tenant keeps access')
  const adminTenant = await homeAdmin({ method: 'GET', url: '/v2/tenants/acme' })
  t.equal(adminTenant.statusCode, 200)
  t.equal(adminTenant.json().data.status, 'suspended')

  await assertActive(t, app, 'globex')

  // The home platform admin lifts the suspension.
  const lifted = await homeAdmin({ method: 'PATCH', url: '/v2/tenants/acme', payload: { status: 'active' } })
  t.equal(lifted.statusCode, 200)
  await assertActive(t, app, 'acme')
})

t.test('with no tenant cache, another instance sees a suspension at once', async (t) => {
  const app1 = await buildTestApp(t)
  const app2 = await buildTestApp(t, {
    env: { APP_TABLE_NAME: app1.tableName, TENANT_CACHE_TTL_MS: '0' },
  })
  t.equal(app2.config.dynamodb.tableName, app1.tableName)
  const root = platform(app1)
  await createTenant(root, { id: 'acme', name: 'Acme' })
  await createUser(app1, 'acme', 'alice')

  // app2 has read acme's standing (and the tenant item) before the suspension. With
  // TENANT_CACHE_TTL_MS 0 its standing must not come from memory, whatever CACHE_TTL_MS says.
  await assertActive(t, app2, 'acme')
  const suspended = await root({ method: 'PATCH', url: '/v2/tenants/acme', payload: { status: 'suspended' } })
  t.equal(suspended.statusCode, 200)
  await assertSuspended(t, app2, 'acme')

  const lifted = await root({ method: 'PATCH', url: '/v2/tenants/acme', payload: { status: 'active' } })
  t.equal(lifted.statusCode, 200)
  await assertActive(t, app2, 'acme')
})

async function createUser(app: TestApp, tenantId: string, id: string) {
  const response = await app.as(tenantId, 'root', ['tenant_admin'])({
    method: 'POST',
    url: '/v2/users',
    payload: { id, email: `${id}@${tenantId}.example`, name: id },
  })
  if (response.statusCode !== 201)
    throw new Error(`user not created: ${response.statusCode} ${response.body}`)
}
