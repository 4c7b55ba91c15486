// The test file `npm run new:resource` writes beside the declaration: the resource through HTTP,
// against DynamoDB Local, as its declaration says it behaves.
import type { ResourceNames } from './names.js'

export function testSource(n: ResourceNames): string {
  const Nouns = n.nouns.charAt(0).toUpperCase() + n.nouns.slice(1)
  return `// ${Nouns} through HTTP: create, read, update and delete with ETag and If-Match, both lists with
// their cursors, the audit entry of every write, both API versions, and a second tenant that can
// reach none of it. Written by \`npm run new:resource -- ${n.name}\`.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { expectError } from '../helpers/expect.js'

const PATH = '/v2${n.path}'

t.test('${n.nouns}', async (t) => {
  const { as } = await buildTestApp(t)
  const alice = as('acme', 'alice', ['member'])
  const bob = as('acme', 'bob', ['member'])
  const admin = as('acme', 'ada', ['tenant_admin'])
  const globex = as('globex', 'gina', ['tenant_admin'])

  const created = await alice({ method: 'POST', url: PATH, payload: { name: 'Blue', description: 'first' } })
  t.equal(created.statusCode, 201, 'created', { body: created.body })
  const item = created.json().data
  t.match(item, { tenantId: 'acme', userId: 'alice', name: 'Blue', description: 'first', version: 1 })
  t.equal(created.headers.location, \`\${PATH}/\${item.id}\`)
  t.equal(created.headers.etag, '"1"')
  const url = \`\${PATH}/\${item.id}\`

  await t.test('read, update with If-Match, delete', async (t) => {
    const read = await bob({ method: 'GET', url })
    t.same(read.json().data, item, 'anyone in the tenant reads it')
    t.equal(read.headers.etag, '"1"')
    const notOwner = await bob({ method: 'PATCH', url, payload: { name: 'Taken' } })
    expectError(t, notOwner, 403, 'FORBIDDEN', 'another member changes it')
    const updated = await alice({ method: 'PATCH', url, headers: { 'if-match': '"1"' }, payload: { name: 'Red' } })
    t.match(updated.json().data, { name: 'Red', description: 'first', version: 2 })
    t.equal(updated.headers.etag, '"2"')
    const stale = await alice({ method: 'PATCH', url, headers: { 'if-match': '"1"' }, payload: { name: 'Old' } })
    expectError(t, stale, 412, 'PRECONDITION_FAILED', 'a stale If-Match')
    const byAdmin = await admin({ method: 'PATCH', url, payload: { description: null } })
    t.match(byAdmin.json().data, { name: 'Red', description: null, version: 3 }, 'a tenant admin may')
    const staleDelete = await alice({ method: 'DELETE', url, headers: { 'if-match': '"2"' } })
    expectError(t, staleDelete, 412, 'PRECONDITION_FAILED', 'a stale delete')
    t.equal((await alice({ method: 'DELETE', url, headers: { 'if-match': '"3"' } })).statusCode, 204)
    expectError(t, await alice({ method: 'GET', url }), 404, 'NOT_FOUND', 'a deleted ${n.noun}')
  })

  await t.test('every write has its audit entry', async (t) => {
    const history = await admin({ method: 'GET', url: \`/v2/audit?entityType=${n.name}&entityId=\${item.id}\` })
    t.strictSame(
      history.json().data.map((entry: { action: string; userId: string }) => [entry.action, entry.userId]),
      [
        ['delete', 'alice'],
        ['update', 'ada'],
        ['update', 'alice'],
        ['create', 'alice'],
      ],
      'newest first',
    )
  })

  const names = ['c', 'a', 'd', 'b']
  const ids = new Map<string, string>()
  for (const [index, name] of names.entries()) {
    const owner = index === 2 ? bob : alice
    ids.set(name, (await owner({ method: 'POST', url: PATH, payload: { name } })).json().data.id)
  }
  /** Every page of a list, two items a page, following the cursors. */
  const pages = async (client: typeof alice, query: string) => {
    const seen: Record<string, unknown>[][] = []
    let cursor: string | null = null
    do {
      const after: string = cursor ? \`&cursor=\${encodeURIComponent(cursor)}\` : ''
      const page = (await client({ method: 'GET', url: \`\${PATH}?\${query}&limit=2\${after}\` })).json()
      seen.push(page.data)
      cursor = page.page.nextCursor
    } while (cursor && seen.length < 10)
    return seen
  }

  await t.test('the caller’s own ${n.nouns} by name, two a page', async (t) => {
    const seen = await pages(alice, 'scope=mine')
    t.strictSame(
      seen.map((page) => page.map((listed) => listed.name)),
      [['a', 'b'], ['c']],
    )
  })

  await t.test('the tenant’s ${n.nouns} by creation time, two a page, with fields=', async (t) => {
    const listed = (await pages(bob, 'fields=id,name,createdUtc&order=asc')).flat()
    t.strictSame(new Set(listed.map((one) => one.id)), new Set(ids.values()), 'all of them, once each')
    t.ok(
      listed.every((one, i) => i === 0 || String(one.createdUtc) >= String(listed[i - 1]?.createdUtc)),
      'oldest first',
    )
    t.ok(
      listed.every((one) => Object.keys(one).join() === 'id,name,createdUtc'),
      'only the fields asked for',
    )
  })

  await t.test('v1 serves ${n.nouns} as v2 does', async (t) => {
    const v1 = await alice({ method: 'POST', url: '/v1${n.path}', payload: { name: 'Old client' } })
    t.equal(v1.statusCode, 201)
    const read = await alice({ method: 'GET', url: \`/v1${n.path}/\${v1.json().data.id}\` })
    t.same(read.json().data, v1.json().data)
  })

  await t.test('another tenant reaches none of it', async (t) => {
    const target = \`\${PATH}/\${ids.get('a')}\`
    expectError(t, await globex({ method: 'GET', url: target }), 404, 'NOT_FOUND', 'read')
    const changed = await globex({ method: 'PATCH', url: target, payload: { name: 'x' } })
    expectError(t, changed, 404, 'NOT_FOUND', 'update')
    expectError(t, await globex({ method: 'DELETE', url: target }), 404, 'NOT_FOUND', 'delete')
    for (const query of ['limit=100', 'scope=mine']) {
      const listed = await globex({ method: 'GET', url: \`\${PATH}?\${query}\` })
      t.strictSame(listed.json().data, [], \`lists \${query}\`)
    }
    const history = await globex({ method: 'GET', url: \`/v2/audit?entityType=${n.name}&entityId=\${ids.get('a')}\` })
    t.strictSame(history.json().data, [], 'no history')
    t.equal((await alice({ method: 'GET', url: target })).json().data.name, 'a', 'unchanged')
  })
})
`
}
