// Two instances on one table serve a known workload for two tenants, flushing every second; once
// both have closed, each tenant's stored usage is exactly what DynamoDB Local returned for that
// tenant's calls (recorded here from each call's key, apart from the app's own tagging), with
// every request counted.
import t, { type Test } from 'tap'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { until } from '../helpers/until.js'
import { recordCapacity, storedUsage, type TenantCapacity } from './helpers.js'

type Expected = Map<string, { requests: Record<string, number>; items: number }>

async function workload(t: Test, testApp: TestApp, tenantId: string, rounds: number, expected: Expected) {
  const admin = testApp.as(tenantId, `${tenantId}-admin`, ['tenant_admin'])
  const mine = expected.get(tenantId) ?? { requests: {}, items: 0 }
  expected.set(tenantId, mine)
  const count = (route: string) => {
    mine.requests[route] = (mine.requests[route] ?? 0) + 1
  }
  for (let i = 0; i < rounds; i++) {
    const created = await admin({
      method: 'POST',
      url: '/v2/groups',
      payload: { name: `${tenantId} group ${i}`, groupType: 'team', description: 'x'.repeat(i * 450) },
    })
    t.equal(created.statusCode, 201)
    count('POST /v2/groups#2xx')
    mine.items += 2 // the group and its audit entry
    const id = created.json().data.id
    t.equal((await admin({ method: 'GET', url: `/v2/groups/${id}` })).statusCode, 200)
    count('GET /v2/groups/:id#2xx')
    const patched = await admin({
      method: 'PATCH',
      url: `/v2/groups/${id}`,
      payload: { name: `renamed ${i}` },
    })
    t.equal(patched.statusCode, 200)
    count('PATCH /v2/groups/:id#2xx')
    mine.items += 2
    t.equal((await admin({ method: 'GET', url: '/v2/groups?limit=5' })).statusCode, 200)
    count('GET /v2/groups#2xx')
    if (i % 2 === 0) {
      t.equal((await admin({ method: 'DELETE', url: `/v2/groups/${id}` })).statusCode, 204)
      count('DELETE /v2/groups/:id#2xx')
      mine.items += 2
    }
  }
  const missing = await admin({ method: 'GET', url: '/v2/groups/01J00000000000000000000000' })
  t.equal(missing.statusCode, 404)
  count('GET /v2/groups/:id#4xx')
  const bad = await admin({ method: 'POST', url: '/v2/groups', payload: { name: '' } })
  t.equal(bad.statusCode, 400)
  count('POST /v2/groups#4xx')
  t.equal((await admin({ method: 'GET', url: '/v2/audit?limit=10' })).statusCode, 200)
  count('GET /v2/audit#2xx')
}

t.test('two instances, two tenants: stored usage is what DynamoDB returned, per tenant', async (t) => {
  // Both flush every second while they serve, as well as when they close: many flushes of each
  // instance add to the same hour items.
  const env = { USAGE_FLUSH_SECONDS: '1' }
  const first = await buildTestApp(t, { env })
  const table = { endpoint: String(first.config.dynamodb.endpoint), tableName: first.tableName }
  const second = await buildTestApp(t, { table, env })
  const capacity = new Map<string, TenantCapacity>()
  recordCapacity(first, capacity)
  recordCapacity(second, capacity)
  const expected: Expected = new Map()

  await workload(t, first, 'acme', 4, expected)
  // What the instances flushed while serving is in the table before the rest is counted.
  const flushed = await until(async () => (await storedUsage(first, 'acme')).items > 0, 10_000, 200)
  t.ok(flushed, 'the first instance flushed while it served')
  await workload(t, second, 'acme', 3, expected)
  await workload(t, second, 'globex', 2, expected)
  await workload(t, first, 'globex', 5, expected)
  // A request without a verified token counts for no one.
  t.equal((await first.app.inject({ method: 'GET', url: '/v2/groups' })).statusCode, 401)

  const metrics = await first.app.inject({ method: 'GET', url: '/metrics' })
  t.equal(metrics.statusCode, 200)
  t.notMatch(metrics.body, /acme|globex/, 'Prometheus has no series of a tenant')

  await first.app.close()
  await second.app.close()

  for (const tenantId of ['acme', 'globex']) {
    const stored = await storedUsage(first, tenantId)
    const returned = capacity.get(tenantId)
    const mine = expected.get(tenantId)
    t.ok(returned && returned.read > 0 && returned.write > 0, `${tenantId} consumed capacity`)
    t.equal(stored.read, returned?.read, `${tenantId}: read capacity units as DynamoDB returned them`)
    t.equal(stored.write, returned?.write, `${tenantId}: write capacity units as DynamoDB returned them`)
    t.strictSame(stored.requests, mine?.requests, `${tenantId}: every request, by route and status class`)
    t.equal(stored.items, mine?.items, `${tenantId}: items written`)
    t.ok((stored.writeByModel.group ?? 0) > 0, `${tenantId}: write units of groups`)
    t.ok((stored.readByModel.group ?? 0) > 0, `${tenantId}: read units of groups`)
  }
})
