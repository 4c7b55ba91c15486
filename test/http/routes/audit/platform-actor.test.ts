// What a platform admin does in a tenant shows the platform as its author: the tenant's audit log
// and data never name the operator, their address or their user agent. A tenant's own users are
// still recorded with theirs.
import type { InjectOptions } from 'fastify'
import t from 'tap'
import { buildTestApp, type TestApp } from '../../../helpers/app.js'
import { scanTable } from '../../../helpers/table.js'

const OPERATOR = 'operator-7'
const OPERATOR_AGENT = 'ops-console/9.9 (operator-laptop)'
const TENANT_AGENT = 'acme-portal/1.0'
const PLATFORM = '#platform'

const withAgent = (inject: ReturnType<TestApp['as']>, agent: string) => (options: InjectOptions) =>
  inject({ ...options, headers: { 'user-agent': agent, ...options.headers } })

t.test('a platform admin’s changes to a tenant show the platform, not the operator', async (t) => {
  const app = await buildTestApp(t)
  const fromPlatform = withAgent(app.as('platform', OPERATOR, ['platform_admin']), OPERATOR_AGENT)
  // An operator whose token names acme works on acme's data as acme's admins do.
  const inAcme = withAgent(app.as('acme', OPERATOR, ['platform_admin']), OPERATOR_AGENT)
  const boss = withAgent(app.as('acme', 'boss', ['tenant_admin']), TENANT_AGENT)
  const expectStatus = async (request: Promise<{ statusCode: number; body: string }>, status: number) => {
    const response = await request
    t.equal(response.statusCode, status, response.body.slice(0, 200))
    return response.body === '' ? {} : JSON.parse(response.body)
  }

  await expectStatus(
    fromPlatform({ method: 'POST', url: '/v2/tenants', payload: { id: 'acme', name: 'Acme' } }),
    201,
  )
  await expectStatus(
    fromPlatform({ method: 'PATCH', url: '/v2/tenants/acme', payload: { tier: 'premium' } }),
    200,
  )
  const group = (
    await expectStatus(
      inAcme({ method: 'POST', url: '/v2/groups', payload: { name: 'Ops', groupType: 'team' } }),
      201,
    )
  ).data
  t.equal(group.userId, PLATFORM, 'the group the platform created is the platform’s')
  await expectStatus(
    inAcme({ method: 'PATCH', url: `/v2/groups/${group.id}`, payload: { name: 'Ops 2' } }),
    200,
  )
  const batch = await expectStatus(
    inAcme({
      method: 'POST',
      url: '/v2/groups/batch',
      payload: { items: [{ name: 'B', groupType: 'team' }] },
    }),
    200,
  )
  await expectStatus(inAcme({ method: 'DELETE', url: `/v2/groups/${group.id}` }), 204)
  await expectStatus(
    inAcme({
      method: 'POST',
      url: '/v2/users',
      payload: { id: 'dave', email: 'dave@acme.example', name: 'Dave' },
    }),
    201,
  )
  await expectStatus(inAcme({ method: 'PATCH', url: '/v2/users/dave', payload: { name: 'David' } }), 200)
  // A tenant admin's own change, for contrast.
  const own = (
    await expectStatus(
      boss({ method: 'POST', url: '/v2/groups', payload: { name: 'Mine', groupType: 'team' } }),
      201,
    )
  ).data

  const log = await expectStatus(boss({ method: 'GET', url: '/v2/audit?limit=100' }), 200)
  const entries = log.data as Record<string, unknown>[]
  t.equal(entries.length, 9, 'one entry per change')
  const byPlatform = entries.filter((entry) => entry.entityId !== own.id)
  t.equal(byPlatform.length, 8)
  for (const entry of byPlatform) {
    t.match(
      entry,
      { tenantId: 'acme', userId: PLATFORM, ipAddress: null, userAgent: null },
      `${entry.action} ${entry.entityType} ${entry.entityId}: by the platform, from nowhere`,
    )
  }
  t.same(byPlatform.map((entry) => `${entry.entityType} ${entry.action}`).sort(), [
    'group create',
    'group create',
    'group delete',
    'group update',
    'tenant create',
    'tenant update',
    'user create',
    'user update',
  ])
  const created = byPlatform.filter((entry) => entry.action === 'create')
  for (const entry of created) t.match(entry.newValues, { userId: PLATFORM }, 'the platform made it')
  t.match(
    entries.find((entry) => entry.entityId === own.id),
    { userId: 'boss', ipAddress: '127.0.0.1', userAgent: TENANT_AGENT },
    'a tenant admin is recorded as themself',
  )
  for (const secret of [OPERATOR, OPERATOR_AGENT, 'operator-laptop']) {
    t.notOk(JSON.stringify(log).includes(secret), `the tenant’s log holds no ${secret}`)
  }
  const batchGroup = await expectStatus(boss({ method: 'GET', url: `/v2/groups/${batch.data[0].id}` }), 200)
  t.equal(batchGroup.data.userId, PLATFORM, 'nor does a group it reads')

  // Nor does anything stored in the tenant (what an export would carry).
  const items = await scanTable(app)
  const acme = JSON.stringify(items.filter((item) => item.tenant_id === 'acme'))
  t.ok(acme.includes('David'), 'the scan sees acme’s data')
  for (const secret of [OPERATOR, OPERATOR_AGENT]) t.notOk(acme.includes(secret), `no ${secret} stored`)
})
