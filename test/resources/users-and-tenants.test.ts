// Users and tenants are declarations on the generic resource layer: the routes each has, and the
// log lines their writes leave, are theirs (not the generic ones).
import t from 'tap'
import { userIdOf } from '../../src/models/index.js'
import { buildTestApp } from '../helpers/app.js'
import { captureLogs } from '../helpers/log-capture.js'

t.test('tenants have no DELETE route and users no batch route; /users/me is its own route', async (t) => {
  const app = await buildTestApp(t)
  const has = (method: string, url: string) => app.routes.some((r) => r.method === method && r.url === url)
  for (const version of ['v1', 'v2']) {
    t.notOk(has('DELETE', `/${version}/tenants/:id`), `${version}: no DELETE /tenants/:id`)
    t.ok(has('PATCH', `/${version}/tenants/:id`), `${version}: PATCH /tenants/:id`)
    t.notOk(has('POST', `/${version}/users/batch`), `${version}: no POST /users/batch`)
    t.ok(has('GET', `/${version}/users/me`), `${version}: GET /users/me`)
    t.ok(has('DELETE', `/${version}/users/:id`), `${version}: DELETE /users/:id`)
  }
  const root = app.as('platform', 'root', ['platform_admin'])
  const refused = await root({ method: 'DELETE', url: '/v2/tenants/acme' })
  t.equal(refused.statusCode, 404, 'a tenant cannot be deleted')
})

t.test('user and tenant writes log the ids under their own keys', async (t) => {
  const logs = captureLogs()
  const app = await buildTestApp(t, { logStream: logs.stream })
  const line = (message: string) => logs.lines().find((entry) => entry.msg === message)

  const root = app.as('platform', 'root', ['platform_admin'])
  t.equal(
    (await root({ method: 'POST', url: '/v2/tenants', payload: { id: 'acme', name: 'Acme' } })).statusCode,
    201,
  )
  t.match(line('tenant created'), { newTenantId: 'acme' })
  const renamed = await root({ method: 'PATCH', url: '/v2/tenants/acme', payload: { name: 'Acme Corp' } })
  t.equal(renamed.statusCode, 200)
  t.match(line('tenant updated'), { changedTenantId: 'acme', version: 2 })

  // A subject with a capital: keys hold it encoded (userIdOf), the API and the path show it as it is.
  const admin = app.as('acme', 'alice', ['tenant_admin'])
  const subject = 'Carol'
  const payload = { id: subject, email: 'carol@acme.example', name: 'Carol' }
  const created = await admin({ method: 'POST', url: '/v2/users', payload })
  t.equal(created.statusCode, 201)
  t.equal(created.headers.location, `/v2/users/${subject}`)
  t.equal(created.json().data.id, subject)
  t.match(line('user created'), { newUserId: userIdOf(subject) })
  const changed = await admin({ method: 'PATCH', url: `/v2/users/${subject}`, payload: { name: 'Carol S' } })
  t.equal(changed.statusCode, 200)
  t.match(line('user updated'), { changedUserId: userIdOf(subject), version: 2 })
  t.equal((await admin({ method: 'DELETE', url: `/v2/users/${subject}` })).statusCode, 204)
  t.match(line('user deleted'), { deletedUserId: subject })
})
