// Tenant isolation through the real HTTP layer: another tenant, whatever its role, can neither see
// nor change a tenant's groups, and inside one tenant a member only sees what visibility allows.
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { ulid } from 'ulid'
import type { Role } from '../../../../src/models/index.js'
import { buildTestApp } from '../../../helpers/app.js'
import { expectError } from '../../../helpers/expect.js'
import { scanTable } from '../../../helpers/table.js'

type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>

const VISIBILITIES = ['private', 'tenant', 'public'] as const
type Visibility = (typeof VISIBILITIES)[number]
const GROUP_TYPE = 'team'
const PARTITION_KEYS = ['pk', 'gsi1_pk', 'gsi2_pk', 'gsi3_pk'] as const

interface Seeded {
  id: string
  tenantId: string
  userId: string
  name: string
  visibility: Visibility
  version: number
}

/** The ids of `groups` that a user reads in a list of `kind`, sorted: the visibility rule. */
function readableBy(groups: readonly Seeded[], userId: string, isAdmin: boolean, kind: string): string[] {
  return groups
    .filter((group) =>
      kind === 'mine by type'
        ? group.userId === userId
        : isAdmin || group.userId === userId || group.visibility !== 'private',
    )
    .map((group) => group.id)
    .sort()
}

interface ListedGroup {
  id: string
  tenantId: string
  userId: string
  privacySettings: { visibility: Visibility }
}

function expectFieldNamed(t: Test, response: LightMyRequestResponse, field: string, what: string) {
  const details: { field: string }[] = response.json().error?.details ?? []
  t.ok(
    details.some((detail) => detail.field === field),
    `${what}: details name ${field}`,
    { found: details },
  )
}

async function create(
  t: Test,
  client: Client,
  tenantId: string,
  userId: string,
  name: string,
  visibility: Visibility,
): Promise<Seeded> {
  const response = await client({
    method: 'POST',
    url: '/v2/groups',
    payload: { name, groupType: GROUP_TYPE, privacySettings: { visibility } },
  })
  t.equal(response.statusCode, 201, `${name} created`)
  const group = response.json().data
  t.match(group, { tenantId, userId, name, privacySettings: { visibility }, version: 1 }, `${name} as sent`)
  return { id: group.id, tenantId, userId, name, visibility, version: group.version }
}

async function listIds(t: Test, client: Client, query: string, what: string): Promise<ListedGroup[]> {
  const response = await client({ method: 'GET', url: `/v2/groups?${query}` })
  t.equal(response.statusCode, 200, `${what}: 200`)
  const body = response.json()
  t.equal(body.success, true, `${what}: success`)
  t.equal(body.page?.nextCursor, null, `${what}: one page holds everything`)
  return body.data
}

const LIST_QUERIES = [
  ['all of the tenant', 'limit=100'],
  ['by type', `groupType=${GROUP_TYPE}&limit=100`],
  ['mine by type', `scope=mine&groupType=${GROUP_TYPE}&limit=100`],
] as const

t.test('tenant isolation of groups', async (t) => {
  const { as, document, tableName } = await buildTestApp(t)

  const acmeAdmin = as('acme', 'alice', ['tenant_admin'])
  const acmeBob = as('acme', 'bob', ['member'])
  const acmeCarol = as('acme', 'carol', ['member'])
  const acme: Seeded[] = []
  for (const visibility of VISIBILITIES) {
    acme.push(await create(t, acmeAdmin, 'acme', 'alice', `alice ${visibility}`, visibility))
    acme.push(await create(t, acmeBob, 'acme', 'bob', `bob ${visibility}`, visibility))
  }
  acme.push(await create(t, acmeCarol, 'acme', 'carol', 'carol private', 'private'))

  // globex has a user with the same id as acme's owner, so only the tenant tells them apart.
  const globex: Seeded[] = [
    await create(t, as('globex', 'alice', ['member']), 'globex', 'alice', 'globex alice private', 'private'),
    await create(t, as('globex', 'gina', ['tenant_admin']), 'globex', 'gina', 'globex gina tenant', 'tenant'),
  ]
  const acmeIds = new Set(acme.map((group) => group.id))
  const missingId = ulid()

  const find = (userId: string, visibility: Visibility) => {
    const group = acme.find((g) => g.userId === userId && g.visibility === visibility)
    if (!group) throw new Error(`no seeded group of ${userId} with visibility ${visibility}`)
    return group
  }

  const globexTokens: { userId: string; roles: Role[] }[] = []
  for (const userId of ['alice', 'mallory'])
    for (const role of ['member', 'tenant_admin', 'platform_admin'] as const)
      globexTokens.push({ userId, roles: [role] })

  await t.test('globex gets 404 for every acme group on every group route', async (t) => {
    const missing = await acmeAdmin({ method: 'GET', url: `/v2/groups/${missingId}` })
    const missingError = expectError(t, missing, 404, 'NOT_FOUND', 'a missing id')

    for (const { userId, roles } of globexTokens) {
      const globexClient = as('globex', userId, roles)
      const who = `globex ${userId} (${roles.join()})`
      for (const group of acme) {
        const what = `${who} on ${group.name}`
        const read = await globexClient({ method: 'GET', url: `/v2/groups/${group.id}` })
        const readError = expectError(t, read, 404, 'NOT_FOUND', `${what}: GET`)
        t.same(readError, missingError, `${what}: same answer as a missing group`)
        t.notOk(read.headers.etag, `${what}: no ETag`)
        t.notMatch(read.body, group.name, `${what}: name not in the answer`)

        const patch = await globexClient({
          method: 'PATCH',
          url: `/v2/groups/${group.id}`,
          payload: { name: 'taken over' },
        })
        expectError(t, patch, 404, 'NOT_FOUND', `${what}: PATCH`)

        for (const ifMatch of [`"${group.version}"`, '"99"', '*']) {
          const conditional = await globexClient({
            method: 'PATCH',
            url: `/v2/groups/${group.id}`,
            headers: { 'if-match': ifMatch },
            payload: { privacySettings: { visibility: 'public' } },
          })
          expectError(t, conditional, 404, 'NOT_FOUND', `${what}: PATCH If-Match ${ifMatch}`)
        }

        const remove = await globexClient({ method: 'DELETE', url: `/v2/groups/${group.id}` })
        expectError(t, remove, 404, 'NOT_FOUND', `${what}: DELETE`)
        const conditionalRemove = await globexClient({
          method: 'DELETE',
          url: `/v2/groups/${group.id}`,
          headers: { 'if-match': `"${group.version}"` },
        })
        expectError(t, conditionalRemove, 404, 'NOT_FOUND', `${what}: DELETE If-Match`)
      }
    }
  })

  await t.test("globex lists never hold acme's groups", async (t) => {
    for (const { userId, roles } of globexTokens) {
      const globexClient = as('globex', userId, roles)
      const isAdmin = roles.includes('tenant_admin') || roles.includes('platform_admin')
      for (const [kind, query] of LIST_QUERIES) {
        const what = `globex ${userId} (${roles.join()}) lists ${kind}`
        const items = await listIds(t, globexClient, query, what)
        t.notOk(
          items.some((item) => acmeIds.has(item.id)),
          `${what}: no acme group`,
        )
        t.ok(
          items.every((item) => item.tenantId === 'globex'),
          `${what}: only globex groups`,
        )
        // Not vacuous: the lists do return globex's own groups.
        t.same(
          items.map((item) => item.id).sort(),
          readableBy(globex, userId, isAdmin, kind),
          `${what}: exactly globex's readable groups`,
        )
      }
    }
  })

  await t.test('an acme cursor replayed by globex is refused', async (t) => {
    for (const [kind, query] of LIST_QUERIES) {
      const pageQuery = query.replace('limit=100', 'limit=1')
      const first = await acmeAdmin({ method: 'GET', url: `/v2/groups?${pageQuery}` })
      t.equal(first.statusCode, 200, `acme lists ${kind} with limit=1`)
      const cursor: string | null = first.json().page.nextCursor
      t.type(cursor, 'string', `acme gets a cursor for ${kind}`)
      if (typeof cursor !== 'string') continue
      const url = `/v2/groups?${pageQuery}&cursor=${encodeURIComponent(cursor)}`

      // The cursor works for the tenant it was minted for, so a refusal below is about the tenant.
      const second = await acmeAdmin({ method: 'GET', url })
      t.equal(second.statusCode, 200, `acme follows its own ${kind} cursor`)
      t.equal(second.json().data.length, 1, `acme gets the next ${kind} page`)

      for (const { userId, roles } of globexTokens) {
        const what = `globex ${userId} (${roles.join()}) replays acme's ${kind} cursor`
        const replay = await as('globex', userId, roles)({ method: 'GET', url })
        expectError(t, replay, 400, 'VALIDATION_ERROR', what)
        expectFieldNamed(t, replay, 'cursor', what)
        t.notOk(
          (replay.json().data ?? []).some((item: ListedGroup) => acmeIds.has(item.id)),
          `${what}: no acme data`,
        )
      }
    }
  })

  await t.test('the tenant cannot be chosen by body, query or header', async (t) => {
    for (const { userId, roles } of globexTokens) {
      const globexClient = as('globex', userId, roles)
      const who = `globex ${userId} (${roles.join()})`
      for (const [field, value] of [
        ['tenantId', 'acme'],
        ['userId', 'alice'],
        ['id', acme[0]?.id],
      ] as const) {
        const created = await globexClient({
          method: 'POST',
          url: '/v2/groups',
          payload: { name: 'planted', groupType: GROUP_TYPE, [field]: value },
        })
        expectError(t, created, 400, 'VALIDATION_ERROR', `${who}: POST with ${field}`)
        expectFieldNamed(t, created, field, `${who}: POST with ${field}`)
      }

      for (const [kind, query] of LIST_QUERIES) {
        const what = `${who}: list ${kind} with tenantId=acme`
        const listed = await globexClient({ method: 'GET', url: `/v2/groups?${query}&tenantId=acme` })
        expectError(t, listed, 400, 'VALIDATION_ERROR', what)
        expectFieldNamed(t, listed, 'tenantId', what)
        t.notMatch(listed.body, 'alice public', `${what}: no acme data`)
      }

      const patched = await globexClient({
        method: 'PATCH',
        url: `/v2/groups/${globex[0]?.id}`,
        payload: { tenantId: 'acme' },
      })
      expectError(t, patched, 400, 'VALIDATION_ERROR', `${who}: PATCH moving a group to acme`)
      expectFieldNamed(t, patched, 'tenantId', `${who}: PATCH moving a group to acme`)

      const byHeader = await globexClient({
        method: 'GET',
        url: `/v2/groups/${find('alice', 'public').id}`,
        headers: { 'x-tenant-id': 'acme', 'tenant-id': 'acme', tenant: 'acme' },
      })
      expectError(t, byHeader, 404, 'NOT_FOUND', `${who}: GET with tenant headers`)
    }

    // An acme token naming globex in the query reaches nothing of globex's.
    for (const group of globex) {
      const what = `acme alice with ?tenant=globex on ${group.name}`
      for (const query of ['tenant=globex', 'tenantId=globex']) {
        const url = `/v2/groups/${group.id}?${query}`
        expectError(t, await acmeAdmin({ method: 'GET', url }), 404, 'NOT_FOUND', `${what}: GET`)
        expectError(
          t,
          await acmeAdmin({ method: 'PATCH', url, payload: { name: 'taken over' } }),
          404,
          'NOT_FOUND',
          `${what}: PATCH`,
        )
        expectError(t, await acmeAdmin({ method: 'DELETE', url }), 404, 'NOT_FOUND', `${what}: DELETE`)
      }
    }
    for (const [kind, query] of LIST_QUERIES) {
      const what = `acme alice lists ${kind} with ?tenant=globex`
      const listed = await acmeAdmin({ method: 'GET', url: `/v2/groups?${query}&tenant=globex` })
      expectError(t, listed, 400, 'VALIDATION_ERROR', what)
      expectFieldNamed(t, listed, 'tenant', what)
    }
    // A create with the tenant in the query is either refused or lands in the token's tenant.
    for (const query of ['tenant=globex', 'tenantId=globex']) {
      const created = await acmeCarol({
        method: 'POST',
        url: `/v2/groups?${query}`,
        payload: { name: `carol via ${query}`, groupType: GROUP_TYPE },
      })
      t.ok([201, 400].includes(created.statusCode), `POST ?${query}: created in acme or refused`)
      if (created.statusCode === 201) {
        const group = created.json().data
        t.equal(group.tenantId, 'acme', `POST ?${query}: the tenant is the token's`)
        acme.push({ ...group, visibility: group.privacySettings.visibility })
        acmeIds.add(group.id)
      }
    }
  })

  await t.test('inside a tenant, visibility and ownership decide', async (t) => {
    const bobPrivate = find('bob', 'private')
    const bobTenant = find('bob', 'tenant')
    const bobPublic = find('bob', 'public')

    const hidden = await acmeCarol({ method: 'GET', url: `/v2/groups/${bobPrivate.id}` })
    expectError(t, hidden, 404, 'NOT_FOUND', "carol reads bob's private group")
    for (const group of [bobTenant, bobPublic]) {
      const read = await acmeCarol({ method: 'GET', url: `/v2/groups/${group.id}` })
      t.equal(read.statusCode, 200, `carol reads ${group.name}`)
      t.equal(read.json().data?.id, group.id, `carol gets ${group.name}`)

      const patch = await acmeCarol({
        method: 'PATCH',
        url: `/v2/groups/${group.id}`,
        payload: { name: 'mine' },
      })
      expectError(t, patch, 403, 'FORBIDDEN', `carol patches ${group.name}`)
      const remove = await acmeCarol({ method: 'DELETE', url: `/v2/groups/${group.id}` })
      expectError(t, remove, 403, 'FORBIDDEN', `carol deletes ${group.name}`)
    }
    expectError(
      t,
      await acmeCarol({ method: 'PATCH', url: `/v2/groups/${bobPrivate.id}`, payload: { name: 'mine' } }),
      404,
      'NOT_FOUND',
      "carol patches bob's private group",
    )
    expectError(
      t,
      await acmeCarol({ method: 'DELETE', url: `/v2/groups/${bobPrivate.id}` }),
      404,
      'NOT_FOUND',
      "carol deletes bob's private group",
    )

    const adminRead = await acmeAdmin({ method: 'GET', url: `/v2/groups/${bobPrivate.id}` })
    t.equal(adminRead.statusCode, 200, "the tenant admin reads bob's private group")

    for (const [name, client, userId, isAdmin] of [
      ['carol', acmeCarol, 'carol', false],
      ['bob', acmeBob, 'bob', false],
      ['alice (tenant_admin)', acmeAdmin, 'alice', true],
    ] as const) {
      for (const [kind, query] of LIST_QUERIES) {
        const what = `${name} lists ${kind}`
        const items = await listIds(t, client, query, what)
        const ids = items.map((item) => item.id).sort()
        t.same(ids, readableBy(acme, userId, isAdmin, kind), `${what}: exactly the readable groups`)
        if (!isAdmin) {
          t.notOk(
            items.some((item) => item.userId !== userId && item.privacySettings.visibility === 'private'),
            `${what}: no other member's private group`,
          )
        }
      }
    }
    const adminAll = await listIds(t, acmeAdmin, 'limit=100', 'alice lists all')
    t.ok(
      adminAll.some((item) => item.id === bobPrivate.id),
      "the tenant admin's list holds bob's private group",
    )
  })

  await t.test('afterwards nothing changed', async (t) => {
    for (const group of acme) {
      const owner = group.userId === 'alice' ? acmeAdmin : as('acme', group.userId, ['member'])
      const read = await owner({ method: 'GET', url: `/v2/groups/${group.id}` })
      t.equal(read.statusCode, 200, `${group.name} is still there`)
      t.match(
        read.json().data,
        {
          id: group.id,
          tenantId: 'acme',
          userId: group.userId,
          name: group.name,
          version: group.version,
          privacySettings: { visibility: group.visibility },
        },
        `${group.name} is unchanged`,
      )
    }

    const items = await scanTable({ document, tableName })

    t.ok(items.length >= acme.length + globex.length, 'the scan sees every item')
    for (const item of items) {
      const tenantId = item.tenant_id
      t.ok(tenantId === 'acme' || tenantId === 'globex', `item ${String(item.pk)} belongs to a known tenant`)
      for (const attribute of PARTITION_KEYS) {
        if (item.model_name === 'group' || item[attribute] !== undefined) {
          t.match(
            item[attribute],
            new RegExp(`^tenant#${tenantId}#`),
            `${attribute} of ${String(item.pk)} starts with its tenant`,
          )
        }
      }
      t.notOk(item.deleted_utc, `${String(item.pk)} is not deleted`)
    }

    const groupsOf = (tenantId: string) =>
      items
        .filter((item) => item.model_name === 'group' && item.tenant_id === tenantId)
        .map((item) => String(item.id).toUpperCase())
        .sort()
    t.same(groupsOf('acme'), [...acmeIds].sort(), "acme's items are exactly acme's groups")
    t.same(groupsOf('globex'), globex.map((group) => group.id).sort(), "globex's items are only its own")
    for (const group of acme) {
      const item = items.find((candidate) => String(candidate.id).toUpperCase() === group.id)
      t.match(
        item,
        { tenant_id: 'acme', user_id: group.userId, name: group.name, version: group.version },
        `raw ${group.name} is unchanged`,
      )
      for (const attribute of PARTITION_KEYS) {
        t.match(item?.[attribute], /^tenant#acme#/, `raw ${group.name} ${attribute} is acme's`)
      }
    }
  })
})
