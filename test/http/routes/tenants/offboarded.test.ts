import { UpdateCommand } from '@aws-sdk/lib-dynamodb'
import t from 'tap'
import { servicesOf } from '../../../../src/container.js'
import { buildTestApp } from '../../../helpers/app.js'
import { expectError } from '../../../helpers/expect.js'
import { scanTable } from '../../../helpers/table.js'

t.test(
  "an offboarded tenant's tokens get 403, whatever their roles; the record stays for platform admins",
  async (t) => {
    const app = await buildTestApp(t)
    const root = app.as('platform', 'root', ['platform_admin'])
    const created = await root({
      method: 'POST',
      url: '/v2/tenants',
      payload: { id: 'acme', name: 'Acme Corp' },
    })
    t.equal(created.statusCode, 201)
    const alice = app.as('acme', 'alice', ['member'])
    t.equal((await alice({ method: 'GET', url: '/v2/groups' })).statusCode, 200, 'active: served')

    // What the purge script leaves: the record, offboarded (written beside the API, as it writes).
    await app.document.send(
      new UpdateCommand({
        TableName: app.tableName,
        Key: { pk: 'tenant#acme#profile', sk: 'tenant' },
        UpdateExpression: 'SET #status = :offboarded, #version = #version + :one',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
        ExpressionAttributeValues: { ':offboarded': 'offboarded', ':one': 1 },
      }),
    )
    servicesOf(app.container).TenantStandingCache.clear()

    for (const roles of [['member'], ['tenant_admin'], ['platform_admin']] as const) {
      const asUser = app.as('acme', 'alice', [...roles])
      for (const request of [
        { method: 'GET' as const, url: '/v2/groups' },
        { method: 'GET' as const, url: '/v2/users/me' },
        { method: 'GET' as const, url: '/v1/groups' },
        { method: 'GET' as const, url: '/v2/tenants/acme' },
      ]) {
        const refused = await asUser(request)
        const error = expectError(t, refused, 403, 'FORBIDDEN', `${roles} ${request.method} ${request.url}`)
        t.equal(error?.message, 'this tenant has been offboarded')
      }
    }

    const record = await root({ method: 'GET', url: '/v2/tenants/acme' })
    t.equal(record.statusCode, 200)
    t.match(record.json().data, { id: 'acme', name: 'Acme Corp', status: 'offboarded', version: 2 })
    const listed = await root({ method: 'GET', url: '/v2/tenants' })
    t.match(listed.json().data, [{ id: 'acme', status: 'offboarded' }])

    const reactivate = await root({ method: 'PATCH', url: '/v2/tenants/acme', payload: { status: 'active' } })
    expectError(t, reactivate, 409, 'CONFLICT', 'an offboarded tenant is not made active again')
    const rename = await root({ method: 'PATCH', url: '/v2/tenants/acme', payload: { name: 'Renamed' } })
    expectError(t, rename, 409, 'CONFLICT', 'nor changed otherwise')
  },
)

t.test(
  "an offboarded tenant's refused requests are not metered: no usage item of it is written again",
  async (t) => {
    const app = await buildTestApp(t)
    const root = app.as('platform', 'root', ['platform_admin'])
    await root({ method: 'POST', url: '/v2/tenants', payload: { id: 'acme', name: 'Acme Corp' } })
    const alice = app.as('acme', 'alice', ['tenant_admin'])
    t.equal((await alice({ method: 'GET', url: '/v2/groups' })).statusCode, 200)
    const { UsageFlusher, TenantStandingCache } = servicesOf(app.container)
    t.ok(await UsageFlusher.flush())
    const usage = async () =>
      (await scanTable(app)).filter((item) => String(item.pk).startsWith('tenant#acme#usage'))
    const before = await usage()
    t.equal(before.length, 1, 'the active tenant was metered')

    await app.document.send(
      new UpdateCommand({
        TableName: app.tableName,
        Key: { pk: 'tenant#acme#profile', sk: 'tenant' },
        UpdateExpression: 'SET #status = :offboarded',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':offboarded': 'offboarded' },
      }),
    )
    TenantStandingCache.clear()
    for (let n = 0; n < 3; n++) t.equal((await alice({ method: 'GET', url: '/v2/groups' })).statusCode, 403)
    t.ok(await UsageFlusher.flush())
    t.strictSame(await usage(), before, 'neither its requests nor the reads of its standing were added')
  },
)

t.test('the API cannot offboard a tenant: only the purge script does, once the data is gone', async (t) => {
  const app = await buildTestApp(t)
  const root = app.as('platform', 'root', ['platform_admin'])
  await root({ method: 'POST', url: '/v2/tenants', payload: { id: 'acme', name: 'Acme Corp' } })
  const offboard = await root({ method: 'PATCH', url: '/v2/tenants/acme', payload: { status: 'offboarded' } })
  expectError(t, offboard, 400, 'VALIDATION_ERROR', 'offboarded is not a status to set', ['status'])
  t.match((await root({ method: 'GET', url: '/v2/tenants/acme' })).json().data, { status: 'active' })
})
