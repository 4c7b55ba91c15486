// GET /v2/tenants/{id}/usage: what is stored, per hour and per day, with totals; who may read it.
import t from 'tap'
import { servicesOf } from '../../../../src/container.js'
import { buildTestApp } from '../../../helpers/app.js'
import { expectError } from '../../../helpers/expect.js'
import { storedUsage } from '../../../usage/helpers.js'

const DAY_MS = 86_400_000
const around = (granularity = 'hour') =>
  `from=${new Date(Date.now() - DAY_MS).toISOString()}&to=${new Date(Date.now() + DAY_MS).toISOString()}&granularity=${granularity}`

t.test('the usage report is what the table holds, per period and in total', async (t) => {
  const testApp = await buildTestApp(t)
  const { UsageFlusher: flusher } = servicesOf(testApp.container)
  const admin = testApp.as('acme', 'alice', ['tenant_admin'])
  const member = testApp.as('acme', 'bob', ['member'])
  for (let i = 0; i < 3; i++) {
    const created = await admin({
      method: 'POST',
      url: '/v2/groups',
      payload: { name: `g${i}`, groupType: 'team' },
    })
    t.equal(created.statusCode, 201)
  }
  t.equal((await member({ method: 'GET', url: '/v2/groups/01J00000000000000000000000' })).statusCode, 404)
  t.equal(await flusher.flush(), true)

  const stored = await storedUsage(testApp, 'acme')
  const hourly = await admin({ method: 'GET', url: `/v2/tenants/acme/usage?${around()}` })
  t.equal(hourly.statusCode, 200, hourly.body.slice(0, 300))
  const report = hourly.json().data
  t.equal(report.tenantId, 'acme')
  t.equal(report.granularity, 'hour')
  t.strictSame(report.totals, {
    readCapacityUnits: { total: stored.read, byModel: stored.readByModel },
    writeCapacityUnits: { total: stored.write, byModel: stored.writeByModel },
    requests: {
      total: 4,
      byRoute: { 'POST /v2/groups': { '2xx': 3 }, 'GET /v2/groups/:id': { '4xx': 1 } },
    },
    itemsWritten: 6,
  })
  t.ok(report.periods.length >= 1, 'the current hour has usage')
  for (const period of report.periods)
    t.equal(Date.parse(period.end) - Date.parse(period.start), 3_600_000, 'a period is an hour')
  const summed = report.periods.reduce(
    (sum: number, period: { requests: { total: number } }) => sum + period.requests.total,
    0,
  )
  t.equal(summed, 4, 'the periods add up to the totals')

  const daily = (await admin({ method: 'GET', url: `/v2/tenants/acme/usage?${around('day')}` })).json().data
  t.strictSame(daily.totals, report.totals, 'per day: the same totals')
  for (const period of daily.periods) t.equal(Date.parse(period.end) - Date.parse(period.start), DAY_MS)
  t.ok(daily.from.endsWith('T00:00:00.000Z') && daily.to.endsWith('T00:00:00.000Z'), 'whole days')

  const past = await admin({
    method: 'GET',
    url: '/v2/tenants/acme/usage?from=2020-01-01T10:30:00Z&to=2020-01-01T12:10:00Z',
  })
  t.strictSame(
    { from: past.json().data.from, to: past.json().data.to, periods: past.json().data.periods },
    { from: '2020-01-01T10:00:00.000Z', to: '2020-01-01T13:00:00.000Z', periods: [] },
    'a range is widened to whole periods; periods without usage are left out',
  )
  t.equal(past.json().data.totals.requests.total, 0)

  t.equal(await flusher.flush(), true)
  const later = (await admin({ method: 'GET', url: `/v2/tenants/acme/usage?${around()}` })).json().data
  t.ok(later.totals.readCapacityUnits.byModel.usage_period > 0, 'reading usage counts for the tenant too')
  t.strictSame(
    later.totals.requests.byRoute['GET /v2/tenants/:id/usage'],
    { '2xx': 3 },
    'the three reads above',
  )
})

t.test('who may read a tenant’s usage', async (t) => {
  const { as } = await buildTestApp(t)
  const url = `/v2/tenants/acme/usage?${around()}`
  t.equal((await as('acme', 'alice', ['tenant_admin'])({ method: 'GET', url })).statusCode, 200, 'its admin')
  t.equal(
    (await as('platform', 'root', ['platform_admin'])({ method: 'GET', url })).statusCode,
    200,
    'a platform admin',
  )
  expectError(t, await as('acme', 'bob', ['member'])({ method: 'GET', url }), 403, 'FORBIDDEN', 'its member')
  for (const role of ['member', 'tenant_admin'] as const)
    expectError(
      t,
      await as('globex', 'gina', [role])({ method: 'GET', url }),
      404,
      'NOT_FOUND',
      `another tenant's ${role}`,
    )
  const unknown = await as('platform', 'root', ['platform_admin'])({
    method: 'GET',
    url: `/v2/tenants/nobody/usage?${around()}`,
  })
  t.equal(unknown.json().data.totals.requests.total, 0, 'a tenant without usage has none')
  expectError(t, await testlessRequest(as), 401, 'UNAUTHORIZED', 'no token')
})

function testlessRequest(as: Awaited<ReturnType<typeof buildTestApp>>['as']) {
  return as(
    'acme',
    'alice',
  )({ method: 'GET', url: `/v2/tenants/acme/usage?${around()}`, headers: { authorization: '' } })
}
