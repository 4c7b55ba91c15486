// The cross-tenant matrix over every declared resource inside a tenant (TENANT_RESOURCES), in every
// API version: tenant globex, with each role, reads, lists, changes and deletes what tenant acme
// holds. Each answer is what a missing item gets (404); lists and creates hold only globex's items;
// acme's are unchanged afterwards, and every key in the table is inside its tenant. Bodies come from
// the schemas' examples (examples.ts), so a resource added to the list is in this matrix at once.
import t from 'tap'
import { ulid } from 'ulid'
import { API_VERSIONS } from '../../src/http/versioning/versions.js'
import { type Role, subjectOf } from '../../src/models/index.js'
import { buildTestApp } from '../helpers/app.js'
import { expectError } from '../helpers/expect.js'
import { scanTable } from '../helpers/table.js'
import { bodiesOf, isResourceRoute, TENANT_RESOURCES } from './examples.js'

type Json = Record<string, unknown>
const ROLES = ['member', 'tenant_admin', 'platform_admin'] as const satisfies readonly Role[]
const PARTITION_KEYS = /^(pk|gsi\d+_pk)$/

t.test('cross-tenant matrix over every declared resource', async (t) => {
  const testApp = await buildTestApp(t)
  const { as, routes } = testApp
  const acme = as('acme', 'alice', ['tenant_admin'])
  const acmeIds = new Set<string>()
  const globexIds = new Set<string>()
  const covered = new Set<string>()
  const createdIn = new Set<(typeof TENANT_RESOURCES)[number]>()

  const seeded: {
    resource: (typeof TENANT_RESOURCES)[number]
    id: string
    version: number
    missing: unknown
  }[] = []
  for (const resource of TENANT_RESOURCES) {
    const created = await acme({
      method: 'POST',
      url: `/v2${resource.path}`,
      payload: bodiesOf(resource, 'v2').create,
    })
    t.equal(created.statusCode, 201, `acme creates in ${resource.path}`, { body: created.body.slice(0, 300) })
    const { id, version } = created.json().data
    // What acme's items must look like to globex: exactly what a missing one gets.
    const missing = await acme({ method: 'GET', url: `/v2${resource.path}/${ulid()}` })
    seeded.push({ resource, id, version, missing: missing.json().error })
    acmeIds.add(id)
  }
  const acmeSnapshot = async () => {
    const items = []
    for (const { resource, id } of seeded) {
      const read = await acme({ method: 'GET', url: `/v2${resource.path}/${id}` })
      items.push({ ...read.json().data, etag: read.headers.etag })
    }
    const audit = (await acme({ method: 'GET', url: '/v2/audit?limit=100' })).json().data as Json[]
    return { items, audit: audit.map((entry) => entry.id).sort() }
  }
  const before = await acmeSnapshot()
  t.equal(before.audit.length, TENANT_RESOURCES.length, 'one audit entry per item acme created')

  for (const userId of ['alice', 'mallory']) {
    for (const role of ROLES) {
      const who = `globex ${userId} (${role})`
      const client = as('globex', userId, [role])
      await t.test(who, async (t) => {
        const globex = async (route: string, options: Parameters<typeof client>[0]) => {
          covered.add(`${options.method} ${route}`)
          const response = await client(options)
          t.ok(response.statusCode < 500, `${who} ${options.method} ${options.url}: not a 5xx`)
          for (const id of acmeIds)
            t.notMatch(response.body, id, `${who} ${options.method} ${route}: no acme id`)
          return response
        }
        for (const v of API_VERSIONS) {
          for (const { resource, id, version, missing } of seeded) {
            const base = `/${v}${resource.path}`
            const { create, update } = bodiesOf(resource, v)
            const route = `${base}/:id`
            const url = `${base}/${id}`
            const what = `${who} on acme's ${url}`
            const read = expectError(
              t,
              await globex(route, { method: 'GET', url }),
              404,
              'NOT_FOUND',
              `${what}: GET`,
            )
            t.strictSame(read, missing, `${what}: GET answers as for a missing item`)
            for (const method of ['HEAD', 'DELETE'] as const)
              expectError(t, await globex(route, { method, url }), 404, 'NOT_FOUND', `${what}: ${method}`)
            for (const headers of [{}, { 'if-match': `"${version}"` }, { 'if-match': '*' }]) {
              const patch = await globex(route, { method: 'PATCH', url, headers, payload: update })
              expectError(t, patch, 404, 'NOT_FOUND', `${what}: PATCH ${JSON.stringify(headers)}`)
            }

            for (const method of ['GET', 'HEAD'] as const) {
              const listed = await globex(base, { method, url: `${base}?limit=100` })
              // 403 only where the role alone may not list (users: tenant admins).
              t.ok([200, 403].includes(listed.statusCode), `${who} ${method} ${base}: 200 or 403`)
              if (method === 'HEAD' || listed.statusCode === 403) continue
              const items = listed.json().data as Json[]
              t.ok(
                items.every((item) => item.tenantId === 'globex' && globexIds.has(String(item.id))),
                `${who} ${base}: only what globex created`,
              )
            }
            // Created in globex, whatever acme holds; refused only for the role (403), or, once globex
            // holds one, as a duplicate of its own (409: a user's email is unique in its tenant).
            const created = await globex(base, { method: 'POST', url: base, payload: create })
            const allowed = createdIn.has(resource) ? [201, 403, 409] : [201, 403]
            t.ok(allowed.includes(created.statusCode), `${who} creates in ${base}`, {
              body: created.body.slice(0, 300),
            })
            if (created.statusCode === 201) {
              t.equal(created.json().data?.tenantId, 'globex', `${who} ${base}: created in globex`)
              globexIds.add(created.json().data?.id)
              createdIn.add(resource)
            }

            if (!resource.schemas.batch) continue
            const batch = await globex(`${base}/batch`, {
              method: 'POST',
              url: `${base}/batch`,
              payload: { items: [create, { ...create, tenantId: 'acme' }] },
            })
            const outcomes = batch.json().data
            t.type(outcomes?.[0]?.id, 'string', `${who} ${base}/batch: the plain item is written`)
            t.equal(
              outcomes?.[1]?.error?.code,
              'VALIDATION_ERROR',
              `${who} ${base}/batch: naming acme is refused`,
            )
            globexIds.add(outcomes?.[0]?.id)
          }
        }
      })
    }
  }

  await t.test('every route of every declared resource was tried, in every version', async (t) => {
    const expected = routes
      .filter((route) => route.method !== 'OPTIONS' && isResourceRoute(route.url))
      .map((route) => `${route.method} ${route.url}`)
    t.ok(expected.length >= TENANT_RESOURCES.length * API_VERSIONS.length * 7, 'the routes are there', {
      expected,
    })
    for (const route of expected) t.ok(covered.has(route), `${route} was tried by globex`)
    for (const resource of TENANT_RESOURCES)
      t.ok(createdIn.has(resource), `globex created in ${resource.path}`)
  })

  await t.test('afterwards acme is unchanged and every key is inside its tenant', async (t) => {
    t.strictSame(await acmeSnapshot(), before, 'acme reads the same items and audit log')
    for (const item of await scanTable(testApp)) {
      const tenantId = String(item.tenant_id)
      const name = `${String(item.model_name)} ${String(item.pk)}`
      t.ok(tenantId === 'acme' || tenantId === 'globex', `${name} belongs to acme or globex`)
      for (const [attribute, value] of Object.entries(item).filter(([key]) => PARTITION_KEYS.test(key)))
        t.ok(String(value).startsWith(`tenant#${tenantId}#`), `${attribute} of ${name} is inside ${tenantId}`)
      // The item itself, its audit entry, or what it owns (a user's email claim); ids as the API shows them.
      const owned = tenantId === 'acme' ? acmeIds : globexIds
      const ids = [item.id, item.entity_id, item.user_id].map((id) => subjectOf(String(id)))
      t.ok(
        ids.some((id) => owned.has(id)),
        `${name} is something ${tenantId} created`,
      )
    }
  })
})
