// A cross-tenant matrix over every authenticated route, in both API versions: tenant globex, with
// each role, tries to read, list, change and delete what tenant acme owns. It gets what a missing
// resource gets (404), or 403 where its role alone forbids the route; lists hold none of acme's
// data; afterwards acme's data is unchanged and the raw table shows every key inside its tenant.
// Inside acme, a member and a tenant admin see users and the audit log as docs/api.md says, and subjects
// that differ from acme's users only by case or Unicode form are other users.
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { ulid } from 'ulid'
import { servicesOf } from '../../src/container.js'
import type { Role } from '../../src/models/index.js'
import { buildTestApp } from '../helpers/app.js'
import { expectError } from '../helpers/expect.js'
import { scanTable } from '../helpers/table.js'
import { isResourceRoute } from '../resources/examples.js'

type Json = Record<string, unknown>

const VERSIONS = ['v1', 'v2'] as const
const ROLES = ['member', 'tenant_admin', 'platform_admin'] as const satisfies readonly Role[]
const PARTITION_KEYS = ['pk', 'gsi1_pk', 'gsi2_pk', 'gsi3_pk'] as const
const TENANT_LIST_KEY = 'platform#tenants'
// Every name, email and phone acme stores carries this, so a leak shows in any body.
const SECRET = 'acmesecret'

function expectOk(t: Test, response: LightMyRequestResponse, status: number, what: string) {
  t.equal(response.statusCode, status, `${what}: status ${status}`, { body: response.body.slice(0, 300) })
  const body = response.json()
  t.equal(body.success, true, `${what}: success`)
  return body
}

t.test('cross-tenant matrix over every authenticated route', async (t) => {
  const { as, document, tableName, routes, container } = await buildTestApp(t)
  const platformRoot = as('platform', 'root', ['platform_admin'])
  const acmeAdmin = as('acme', 'alice', ['tenant_admin'])
  const acmeBob = as('acme', 'bob', ['member'])
  const acmeCarol = as('acme', 'carol', ['member'])

  // ---- acme's data: its tenant record (by a platform admin), users, groups of each visibility,
  // one update each of a group and a user, and the audit entries all of that wrote.
  const tenant = expectOk(
    t,
    await platformRoot({
      method: 'POST',
      url: '/v2/tenants',
      payload: { id: 'acme', name: `Acme ${SECRET}`, tier: 'premium' },
    }),
    201,
    'platform root creates acme',
  ).data
  t.match(tenant, { id: 'acme', tier: 'premium', status: 'active', version: 1 }, 'acme as sent')

  const acmeUsers: { id: string; email: string; roles: Role[] }[] = [
    { id: 'alice', email: `alice.${SECRET}@acme.example`, roles: ['tenant_admin'] },
    // Not secret: globex gets a user with the same email (emails are unique per tenant only).
    { id: 'bob', email: 'bob@shared.example', roles: ['member'] },
    { id: 'carol', email: `carol.${SECRET}@acme.example`, roles: ['member'] },
  ]
  for (const user of acmeUsers) {
    const created = await acmeAdmin({
      method: 'POST',
      url: '/v2/users',
      payload: { ...user, name: `${user.id} ${SECRET}`, phone: '+1 555 0100' },
    })
    t.match(expectOk(t, created, 201, `acme user ${user.id}`).data, { id: user.id, tenantId: 'acme' })
  }

  const acmeGroups: { id: string; owner: string; visibility: string }[] = []
  for (const [owner, client] of [
    ['alice', acmeAdmin],
    ['bob', acmeBob],
  ] as const) {
    for (const visibility of ['private', 'tenant', 'public']) {
      const created = await client({
        method: 'POST',
        url: '/v2/groups',
        payload: {
          name: `${owner} ${visibility} ${SECRET}`,
          groupType: 'team',
          privacySettings: { visibility },
        },
      })
      const group = expectOk(t, created, 201, `acme group of ${owner}, ${visibility}`).data
      t.equal(group.tenantId, 'acme', 'in acme')
      acmeGroups.push({ id: group.id, owner, visibility })
    }
  }
  const firstGroup = acmeGroups[0]
  if (!firstGroup) throw new Error('nothing seeded')
  expectOk(
    t,
    await acmeAdmin({
      method: 'PATCH',
      url: `/v2/groups/${firstGroup.id}`,
      payload: { description: SECRET },
    }),
    200,
    'acme updates a group',
  )
  expectOk(
    t,
    await acmeAdmin({ method: 'PATCH', url: '/v2/users/carol', payload: { name: `Carol ${SECRET}` } }),
    200,
    'acme updates a user',
  )

  /** Everything acme can see of its own data, with versions: compared before and after. */
  const acmeSnapshot = async (t: Test) => {
    const groups: Json[] = []
    for (const group of acmeGroups) {
      const read = await acmeAdmin({ method: 'GET', url: `/v2/groups/${group.id}` })
      groups.push({ ...expectOk(t, read, 200, `acme reads group ${group.id}`).data, etag: read.headers.etag })
    }
    const users: Json[] = []
    for (const user of acmeUsers) {
      const read = await acmeAdmin({ method: 'GET', url: `/v2/users/${user.id}` })
      users.push({ ...expectOk(t, read, 200, `acme reads user ${user.id}`).data, etag: read.headers.etag })
    }
    const tenantRead = await acmeBob({ method: 'GET', url: '/v2/tenants/acme' })
    const audit = await acmeAdmin({ method: 'GET', url: '/v2/audit?limit=100' })
    const auditBody = expectOk(t, audit, 200, 'acme reads its audit log')
    t.equal(auditBody.page.nextCursor, null, 'the audit log fits one page')
    return {
      groups,
      users,
      tenant: {
        ...expectOk(t, tenantRead, 200, 'acme reads its tenant').data,
        etag: tenantRead.headers.etag,
      },
      audit: (auditBody.data as Json[]).map((entry) => entry.id).sort(),
    }
  }
  const before = await acmeSnapshot(t)
  // acme's usage so far is in the table, for globex to try to read.
  t.equal(await servicesOf(container).UsageFlusher.flush(), true, 'usage flushed')
  const day = 86_400_000
  const usageRange = `from=${new Date(Date.now() - day).toISOString()}&to=${new Date(Date.now() + day).toISOString()}`
  // 1 tenant + 3 users + 6 groups created, 1 group and 1 user updated.
  t.equal(before.audit.length, 12, 'acme has one audit entry per write so far')
  t.same(
    before.groups.map((group) => group.version),
    [2, 1, 1, 1, 1, 1],
    'the versions acme starts with',
  )
  const acmeAuditIds = new Set(before.audit)
  const acmeGroupIds = new Set(acmeGroups.map((group) => group.id))
  const acmeUserIds = new Set(acmeUsers.map((user) => user.id))

  // ---- globex's own data, so that its lists are not empty by accident.
  const globexGroups = new Set<string>()
  const globexUsers = new Set<string>()
  const gina = as('globex', 'gina', ['tenant_admin'])
  const ginaGroup = await gina({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'globex tenant group', groupType: 'team', privacySettings: { visibility: 'tenant' } },
  })
  globexGroups.add(expectOk(t, ginaGroup, 201, 'globex gina creates a group').data.id)
  // The same user id and email as acme's bob: both are unique per tenant only.
  const globexBob = await gina({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'bob', email: acmeUsers[1]?.email, name: 'globex bob' },
  })
  t.match(expectOk(t, globexBob, 201, 'globex creates its own bob').data, { id: 'bob', tenantId: 'globex' })
  globexUsers.add('bob')

  const covered = new Set<string>()
  const missingGroup = await acmeAdmin({ method: 'GET', url: `/v2/groups/${ulid()}` })
  const missingGroupError = expectError(t, missingGroup, 404, 'NOT_FOUND', 'a missing group')
  const missingUser = await acmeAdmin({ method: 'GET', url: '/v2/users/nobody' })
  const missingUserError = expectError(t, missingUser, 404, 'NOT_FOUND', 'a missing user')

  for (const userId of ['alice', 'mallory']) {
    for (const role of ROLES) {
      const who = `globex ${userId} (${role})`
      const isAdmin = role !== 'member'
      const raw = as('globex', userId, [role])
      // Every answer to globex: no acme secret in it (tenant reads of a platform admin aside).
      const globex = async (route: string, options: InjectOptions, mayShowTenant = false) => {
        covered.add(`${options.method} ${route}`)
        const response = await raw(options)
        if (!mayShowTenant)
          t.notMatch(response.body, SECRET, `${who} ${options.method} ${route}: no acme data`)
        t.ok(response.statusCode < 500, `${who} ${options.method} ${options.url}: not a 5xx`)
        return response
      }

      await t.test(who, async (t) => {
        for (const v of VERSIONS) {
          // Groups: every acme group answers like a missing one, whatever the verb.
          for (const group of acmeGroups) {
            const url = `/${v}/groups/${group.id}`
            const what = `${who} ${v} on acme group ${group.owner}/${group.visibility}`
            const route = `/${v}/groups/:id`
            const read = await globex(route, { method: 'GET', url })
            const readError = expectError(t, read, 404, 'NOT_FOUND', `${what}: GET`)
            t.same({ ...readError }, { ...missingGroupError }, `${what}: GET answers like a missing group`)
            t.notOk(read.headers.etag, `${what}: no ETag`)
            expectError(t, await globex(route, { method: 'HEAD', url }), 404, 'NOT_FOUND', `${what}: HEAD`)
            const patch = await globex(route, { method: 'PATCH', url, payload: { name: 'taken over' } })
            expectError(t, patch, 404, 'NOT_FOUND', `${what}: PATCH`)
            const version = before.groups.find((g) => g.id === group.id)?.version
            const conditional = await globex(route, {
              method: 'PATCH',
              url,
              headers: { 'if-match': `"${version}"` },
              payload: { name: 'taken over' },
            })
            expectError(t, conditional, 404, 'NOT_FOUND', `${what}: PATCH If-Match of its version`)
            expectError(
              t,
              await globex(route, { method: 'DELETE', url }),
              404,
              'NOT_FOUND',
              `${what}: DELETE`,
            )
          }

          // Group lists and creates: only globex's groups, and what globex creates lands in globex.
          const typeParameter = v === 'v1' ? 'type' : 'groupType'
          for (const query of [
            'limit=100',
            `${typeParameter}=team&limit=100`,
            `scope=mine&${typeParameter}=team`,
          ]) {
            for (const method of ['GET', 'HEAD'] as const) {
              const listed = await globex(`/${v}/groups`, { method, url: `/${v}/groups?${query}` })
              t.equal(listed.statusCode, 200, `${who} ${method} /${v}/groups?${query}: 200`)
              if (method === 'HEAD') continue
              const items = listed.json().data as Json[]
              t.notOk(
                items.some((item) => acmeGroupIds.has(String(item.id))),
                `${who} lists /${v}/groups?${query}: no acme group`,
              )
              t.ok(
                items.every((item) => item.tenantId === 'globex' && globexGroups.has(String(item.id))),
                `${who} lists /${v}/groups?${query}: only globex's groups`,
              )
            }
          }
          const groupBody =
            v === 'v1' ? { name: `${who} group`, type: 'team' } : { name: `${who} group`, groupType: 'team' }
          const created = await globex(`/${v}/groups`, {
            method: 'POST',
            url: `/${v}/groups`,
            payload: groupBody,
          })
          const createdGroup = expectOk(t, created, 201, `${who} creates a group in ${v}`).data
          t.equal(createdGroup.tenantId, 'globex', `${who}: the ${v} group is globex's`)
          globexGroups.add(createdGroup.id)
          const batch = await globex(`/${v}/groups/batch`, {
            method: 'POST',
            url: `/${v}/groups/batch`,
            payload: { items: [groupBody, { ...groupBody, tenantId: 'acme' }] },
          })
          const outcomes = expectOk(t, batch, 200, `${who} batch in ${v}`).data
          t.type(outcomes[0]?.id, 'string', `${who} ${v} batch: the plain item is written`)
          t.equal(
            outcomes[1]?.error?.code,
            'VALIDATION_ERROR',
            `${who} ${v} batch: an item naming acme is refused`,
          )
          globexGroups.add(outcomes[0]?.id)
          const batchRead = await raw({ method: 'GET', url: `/v2/groups/${outcomes[0]?.id}` })
          t.equal(batchRead.json().data?.tenantId, 'globex', `${who} ${v} batch: the group is globex's`)

          // Users: acme's ids are missing in globex, even where the globex user has the same id.
          for (const user of acmeUsers) {
            if (user.id === 'bob') continue // globex has a bob of its own, checked below
            const url = `/${v}/users/${user.id}`
            const what = `${who} ${v} on acme user ${user.id}`
            const route = `/${v}/users/:id`
            const read = await globex(route, { method: 'GET', url })
            const readError = expectError(t, read, 404, 'NOT_FOUND', `${what}: GET`)
            t.same({ ...readError }, { ...missingUserError }, `${what}: GET answers like a missing user`)
            expectError(t, await globex(route, { method: 'HEAD', url }), 404, 'NOT_FOUND', `${what}: HEAD`)
            for (const payload of [{ name: 'taken over' }, { roles: ['tenant_admin'] }]) {
              const patch = await globex(route, { method: 'PATCH', url, payload })
              expectError(t, patch, 404, 'NOT_FOUND', `${what}: PATCH ${Object.keys(payload)}`)
            }
            expectError(
              t,
              await globex(route, { method: 'DELETE', url }),
              404,
              'NOT_FOUND',
              `${what}: DELETE`,
            )
          }
          const globexBobRead = await globex(`/${v}/users/:id`, { method: 'GET', url: `/${v}/users/bob` })
          if (isAdmin) {
            t.match(
              expectOk(t, globexBobRead, 200, `${who} ${v} reads bob`).data,
              { id: 'bob', tenantId: 'globex', name: 'globex bob' },
              `${who} ${v}: bob is globex's own bob`,
            )
          } else expectError(t, globexBobRead, 404, 'NOT_FOUND', `${who} ${v} reads bob (not self)`)

          for (const method of ['GET', 'HEAD'] as const) {
            const me = await globex(`/${v}/users/me`, { method, url: `/${v}/users/me` })
            expectError(t, me, 404, 'NOT_FOUND', `${who} ${method} ${v} /users/me (no globex profile)`)
          }

          for (const query of ['limit=100', `email=${encodeURIComponent(acmeUsers[2]?.email ?? '')}`]) {
            const listed = await globex(`/${v}/users`, { method: 'GET', url: `/${v}/users?${query}` })
            if (!isAdmin) {
              expectError(t, listed, 403, 'FORBIDDEN', `${who} lists ${v} users?${query}`)
              continue
            }
            const items = expectOk(t, listed, 200, `${who} lists ${v} users?${query}`).data as Json[]
            t.ok(
              items.every((item) => item.tenantId === 'globex' && globexUsers.has(String(item.id))),
              `${who} lists ${v} users?${query}: only globex users`,
            )
            if (query === 'limit=100')
              t.ok(
                items.some((item) => item.id === 'bob'),
                'globex bob is listed',
              )
            else t.same(items, [], `${who}: acme carol's email finds nobody in globex`)
          }
          const headUsers = await globex(`/${v}/users`, { method: 'HEAD', url: `/${v}/users` })
          t.equal(headUsers.statusCode, isAdmin ? 200 : 403, `${who} HEAD ${v} /users`)

          const newUser = {
            id: `${userId}-${role}-${v}`,
            email: `${userId}.${role}.${v}@globex.example`,
            name: 'g',
          }
          const createdUser = await globex(`/${v}/users`, {
            method: 'POST',
            url: `/${v}/users`,
            payload: newUser,
          })
          if (isAdmin) {
            t.equal(expectOk(t, createdUser, 201, `${who} creates a ${v} user`).data.tenantId, 'globex')
            globexUsers.add(newUser.id)
          } else expectError(t, createdUser, 403, 'FORBIDDEN', `${who} creates a ${v} user`)

          // Tenants: platform admins manage every tenant; no one else reaches acme's record.
          const isPlatform = role === 'platform_admin'
          for (const method of ['GET', 'HEAD'] as const) {
            const read = await globex(`/${v}/tenants/:id`, { method, url: `/${v}/tenants/acme` }, isPlatform)
            if (isPlatform)
              t.equal(read.statusCode, 200, `${who} ${method} ${v} tenant acme: platform admins may`)
            else expectError(t, read, 404, 'NOT_FOUND', `${who} ${method} ${v} tenant acme`)
          }
          const tenantList = await globex(
            `/${v}/tenants`,
            { method: 'GET', url: `/${v}/tenants` },
            isPlatform,
          )
          if (isPlatform) {
            const listed = expectOk(t, tenantList, 200, `${who} lists ${v} tenants`).data as Json[]
            t.ok(
              listed.some((item) => item.id === 'acme'),
              `${who}: the platform list holds acme`,
            )
          } else expectError(t, tenantList, 403, 'FORBIDDEN', `${who} lists ${v} tenants`)
          const headTenants = await globex(
            `/${v}/tenants`,
            { method: 'HEAD', url: `/${v}/tenants` },
            isPlatform,
          )
          t.equal(headTenants.statusCode, isPlatform ? 200 : 403, `${who} HEAD ${v} /tenants`)
          const suspend = await globex(`/${v}/tenants/:id`, {
            method: 'PATCH',
            url: `/${v}/tenants/acme`,
            headers: { 'if-match': '"99"' },
            payload: { status: 'suspended' },
          })
          if (isPlatform)
            expectError(t, suspend, 412, 'PRECONDITION_FAILED', `${who} suspends acme at a stale version`)
          else expectError(t, suspend, 404, 'NOT_FOUND', `${who} suspends acme`)
          const hijack = await globex(`/${v}/tenants`, {
            method: 'POST',
            url: `/${v}/tenants`,
            payload: { id: 'acme', name: 'hijacked', tier: 'basic' },
          })
          if (isPlatform) expectError(t, hijack, 409, 'CONFLICT', `${who} re-creates acme`)
          else expectError(t, hijack, 403, 'FORBIDDEN', `${who} re-creates acme`)

          // Usage: platform admins read any tenant's; no one else reaches acme's (404, as a missing
          // tenant); globex's admins read globex's own.
          for (const method of ['GET', 'HEAD'] as const) {
            const url = `/${v}/tenants/acme/usage?${usageRange}`
            const read = await globex(`/${v}/tenants/:id/usage`, { method, url }, isPlatform)
            if (!isPlatform) expectError(t, read, 404, 'NOT_FOUND', `${who} ${method} ${v} acme's usage`)
            else if (method === 'HEAD') t.equal(read.statusCode, 200, `${who} HEAD ${v} acme's usage`)
            else {
              const usage = expectOk(t, read, 200, `${who} reads ${v} acme's usage`).data
              t.equal(usage.tenantId, 'acme')
              t.ok(usage.totals.requests.total > 0, `${who}: acme's usage holds its requests`)
            }
          }
          const ownUsage = await globex(`/${v}/tenants/:id/usage`, {
            method: 'GET',
            url: `/${v}/tenants/globex/usage?${usageRange}&granularity=day`,
          })
          if (isAdmin)
            t.equal(expectOk(t, ownUsage, 200, `${who} reads globex's usage`).data.tenantId, 'globex')
          else expectError(t, ownUsage, 403, 'FORBIDDEN', `${who} reads globex's usage`)

          // Audit: acme's entities have no history in globex; globex's log holds only globex.
          const entities = [
            ['group', firstGroup.id],
            ['user', 'carol'],
            ['tenant', 'acme'],
          ] as const
          for (const [entityType, entityId] of entities) {
            const url = `/${v}/audit?entityType=${entityType}&entityId=${entityId}`
            const listed = await globex(`/${v}/audit`, { method: 'GET', url })
            if (isAdmin) t.same(expectOk(t, listed, 200, `${who} ${url}`).data, [], `${who} ${url}: empty`)
            else expectError(t, listed, 403, 'FORBIDDEN', `${who} ${url}`)
          }
          for (const method of ['GET', 'HEAD'] as const) {
            const log = await globex(`/${v}/audit`, { method, url: `/${v}/audit?limit=100` })
            if (!isAdmin) {
              expectError(t, log, 403, 'FORBIDDEN', `${who} ${method} ${v} audit log`)
              continue
            }
            t.equal(log.statusCode, 200, `${who} ${method} ${v} audit log`)
            if (method === 'HEAD') continue
            const entries = log.json().data as Json[]
            t.ok(entries.length > 0, `${who}: globex's log is not empty`)
            t.ok(
              entries.every((entry) => entry.tenantId === 'globex' && !acmeAuditIds.has(String(entry.id))),
              `${who} ${v}: only globex's audit entries`,
            )
          }
        }
      })
    }
  }

  await t.test('the matrix covered every authenticated route of both versions', async (t) => {
    // The routes every declared resource gets are the matrix over RESOURCES' to try
    // (test/resources/cross-tenant.test.ts); this one tries those of groups and users too.
    const expected = routes
      .filter((route) => /^\/v\d+\//.test(route.url) && route.method !== 'OPTIONS')
      .filter((route) => !isResourceRoute(route.url) || /^\/v\d+\/(groups|users)(\/|$)/.test(route.url))
      .map((route) => `${route.method} ${route.url}`)
    t.ok(expected.length >= 40, 'the app registered its versioned routes', { expected })
    for (const route of expected) t.ok(covered.has(route), `${route} was tried by globex`)
  })

  await t.test('inside acme, roles decide users and the audit log', async (t) => {
    const bobProfile = await acmeBob({ method: 'GET', url: '/v2/users/me' })
    t.match(
      expectOk(t, bobProfile, 200, 'member bob reads his profile').data,
      { id: 'bob', tenantId: 'acme', email: acmeUsers[1]?.email, roles: ['member'] },
      'bob gets his own profile, decrypted',
    )
    expectOk(t, await acmeBob({ method: 'GET', url: '/v2/users/bob' }), 200, 'bob reads himself by id')
    for (const [what, options, status, code] of [
      ['lists users', { method: 'GET', url: '/v2/users' }, 403, 'FORBIDDEN'],
      [
        'finds a user by email',
        { method: 'GET', url: `/v2/users?email=${acmeUsers[2]?.email}` },
        403,
        'FORBIDDEN',
      ],
      ['reads the audit log', { method: 'GET', url: '/v2/audit' }, 403, 'FORBIDDEN'],
      [
        "reads his own group's history",
        { method: 'GET', url: `/v2/audit?entityType=group&entityId=${acmeGroups[3]?.id}` },
        403,
        'FORBIDDEN',
      ],
      ['reads carol', { method: 'GET', url: '/v2/users/carol' }, 404, 'NOT_FOUND'],
      ['reads alice', { method: 'GET', url: '/v2/users/alice' }, 404, 'NOT_FOUND'],
      [
        'renames carol',
        { method: 'PATCH', url: '/v2/users/carol', payload: { name: 'x' } },
        404,
        'NOT_FOUND',
      ],
      ['deletes carol', { method: 'DELETE', url: '/v2/users/carol' }, 404, 'NOT_FOUND'],
      [
        'makes himself admin',
        { method: 'PATCH', url: '/v2/users/bob', payload: { roles: ['tenant_admin'] } },
        403,
        'FORBIDDEN',
      ],
      [
        'creates a user',
        { method: 'POST', url: '/v2/users', payload: { email: 'x@acme.example', name: 'x' } },
        403,
        'FORBIDDEN',
      ],
      ['lists tenants', { method: 'GET', url: '/v2/tenants' }, 403, 'FORBIDDEN'],
      [
        'changes his tenant',
        { method: 'PATCH', url: '/v2/tenants/acme', payload: { tier: 'basic' } },
        403,
        'FORBIDDEN',
      ],
      ['creates a tenant', { method: 'POST', url: '/v2/tenants', payload: { name: 'x' } }, 403, 'FORBIDDEN'],
    ] as const) {
      expectError(t, await acmeBob(options as InjectOptions), status, code, `member bob ${what}`)
    }

    const users = expectOk(
      t,
      await acmeAdmin({ method: 'GET', url: '/v2/users?limit=100' }),
      200,
      'admin lists',
    )
    t.same(
      (users.data as Json[]).map((user) => user.id).sort(),
      ['alice', 'bob', 'carol'],
      'the tenant admin lists exactly acme users',
    )
    const byEmail = await acmeAdmin({
      method: 'GET',
      url: `/v2/users?email=${encodeURIComponent(acmeUsers[1]?.email ?? '')}`,
    })
    t.match(expectOk(t, byEmail, 200, 'admin finds bob by email').data, [{ id: 'bob', tenantId: 'acme' }])
    expectOk(t, await acmeAdmin({ method: 'GET', url: '/v2/users/carol' }), 200, 'the admin reads carol')
    const history = await acmeAdmin({
      method: 'GET',
      url: `/v2/audit?entityType=group&entityId=${firstGroup.id}`,
    })
    t.match(
      expectOk(t, history, 200, 'admin reads a group history').data,
      [{ action: 'update' }, { action: 'create' }],
      'the history, newest first',
    )
    const tenantHistory = await acmeAdmin({ method: 'GET', url: '/v2/audit?entityType=tenant&entityId=acme' })
    t.match(
      expectOk(t, tenantHistory, 200, "admin reads the tenant's history").data,
      [{ action: 'create', userId: '#platform', tenantId: 'acme', ipAddress: null, userAgent: null }],
      "the tenant's creation by the platform admin is in acme's log, without naming the operator",
    )
    expectError(
      t,
      await acmeAdmin({ method: 'GET', url: '/v2/tenants' }),
      403,
      'FORBIDDEN',
      'tenant admin lists tenants',
    )
    expectError(
      t,
      await acmeAdmin({ method: 'PATCH', url: '/v2/tenants/acme', payload: { tier: 'basic' } }),
      403,
      'FORBIDDEN',
      'tenant admin changes the tier',
    )
    expectError(
      t,
      await acmeCarol({ method: 'GET', url: '/v2/tenants/globex' }),
      404,
      'NOT_FOUND',
      'acme reads globex',
    )
  })

  await t.test('inside acme, a sub that differs by case or Unicode form is someone else', async (t) => {
    // Keys are lower-cased; these subjects are not bob or alice (see cross-user.test.ts for all routes).
    const variants = ['BOB', 'Bob', 'ｂｏｂ', 'ALICE', '\u212Aarol', 'CAROL', '\uFF41lice']
    for (const sub of variants) {
      for (const role of ['member', 'tenant_admin'] as const) {
        const who = `acme ${JSON.stringify(sub)} (${role})`
        const client = as('acme', sub, [role])
        const me = await client({ method: 'GET', url: '/v2/users/me' })
        expectError(t, me, 404, 'NOT_FOUND', `${who} reads /users/me`)
        const own = await client({ method: 'GET', url: `/v2/users/${encodeURIComponent(sub)}` })
        expectError(t, own, 404, 'NOT_FOUND', `${who} reads its own id`)
        const mine = await client({ method: 'GET', url: '/v2/groups?scope=mine&groupType=team' })
        t.same(expectOk(t, mine, 200, `${who} lists its groups`).data, [], `${who}: owns none of acme's`)
        const renamed = await client({
          method: 'PATCH',
          url: `/v2/users/${encodeURIComponent(sub)}`,
          payload: { name: 'taken over' },
        })
        expectError(t, renamed, 404, 'NOT_FOUND', `${who} renames its own id`)
        if (role === 'member') {
          for (const group of acmeGroups.filter((g) => g.visibility === 'private')) {
            const read = await client({ method: 'GET', url: `/v2/groups/${group.id}` })
            expectError(t, read, 404, 'NOT_FOUND', `${who} reads ${group.owner}'s private group`)
          }
        }
      }
    }
  })

  await t.test('afterwards acme is unchanged and the table keeps tenants apart', async (t) => {
    t.same(await acmeSnapshot(t), before, 'acme re-reads the same groups, users, tenant and audit log')

    const items = await scanTable({ document, tableName })

    const globexAudited = new Set([...globexGroups, ...globexUsers])
    const acmeItemIds = { group: new Set<string>(), user: new Set<string>() }
    for (const item of items) {
      const tenantId = String(item.tenant_id)
      const name = `${String(item.model_name)} ${String(item.pk)}`
      // Usage is kept for every tenant that made requests (the platform admins' own too).
      if (item.model_name === 'usage_period') {
        t.equal(item.pk, `tenant#${tenantId}#usage`, `${name} is inside its tenant`)
        continue
      }
      t.ok(tenantId === 'acme' || tenantId === 'globex', `${name} belongs to acme or globex`)
      for (const attribute of PARTITION_KEYS) {
        const value = item[attribute]
        if (value === undefined) continue
        const inTenant = typeof value === 'string' && value.startsWith(`tenant#${tenantId}#`)
        const platformList = value === TENANT_LIST_KEY && item.model_name === 'tenant' && attribute !== 'pk'
        t.ok(inTenant || platformList, `${attribute} of ${name} is inside tenant ${tenantId}`, { value })
      }
      if (tenantId === 'acme') {
        if (item.model_name === 'group' || item.model_name === 'user') {
          acmeItemIds[item.model_name].add(String(item.id))
        }
        continue
      }
      const mine =
        (item.model_name === 'group' && globexGroups.has(String(item.id))) ||
        (item.model_name === 'user' && globexUsers.has(String(item.id))) ||
        (item.model_name === 'user_email_claim' && globexUsers.has(String(item.user_id))) ||
        (item.model_name === 'audit_entry' && globexAudited.has(String(item.entity_id)))
      t.ok(mine, `globex item ${name} is something globex created`, { item })
    }
    t.same([...acmeItemIds.group].sort(), [...acmeGroupIds].sort(), 'acme holds exactly its own groups')
    t.same([...acmeItemIds.user].sort(), [...acmeUserIds].sort(), 'acme holds exactly its own users')
    t.ok(
      items.some((item) => item.tenant_id === 'globex' && item.model_name === 'group'),
      'the scan did see globex items',
    )
  })
})
