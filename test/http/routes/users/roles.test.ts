import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'

t.test('only a platform admin may grant or revoke platform_admin on a profile', async (t) => {
  const app = await buildTestApp(t)
  const tenantAdmin = app.as('acme', 'root', ['tenant_admin'])
  const platformAdmin = app.as('acme', 'operator', ['platform_admin'])
  const refused = (response: { statusCode: number; json(): { error: { code: string } } }, what: string) => {
    t.equal(response.statusCode, 403, what)
    t.equal(response.json().error.code, 'FORBIDDEN', what)
  }

  refused(
    await tenantAdmin({
      method: 'POST',
      url: '/v2/users',
      payload: { id: 'eve', email: 'eve@example.com', name: 'Eve', roles: ['member', 'platform_admin'] },
    }),
    'a tenant admin creating a platform admin',
  )
  t.equal((await tenantAdmin({ method: 'GET', url: '/v2/users/eve' })).statusCode, 404, 'nothing stored')

  const bob = await tenantAdmin({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'bob', email: 'bob@example.com', name: 'Bob', roles: ['tenant_admin'] },
  })
  t.equal(bob.statusCode, 201, 'a tenant admin may grant tenant_admin')
  refused(
    await tenantAdmin({ method: 'PATCH', url: '/v2/users/bob', payload: { roles: ['platform_admin'] } }),
    'a tenant admin promoting a user to platform admin',
  )
  const unchanged = (await tenantAdmin({ method: 'GET', url: '/v2/users/bob' })).json().data
  t.same(unchanged.roles, ['tenant_admin'])
  t.equal(unchanged.version, 1, 'the refused change wrote nothing')

  const ops = await platformAdmin({
    method: 'POST',
    url: '/v2/users',
    payload: { id: 'ops', email: 'ops@example.com', name: 'Ops', roles: ['platform_admin'] },
  })
  t.equal(ops.statusCode, 201, 'a platform admin may grant platform_admin')
  refused(
    await tenantAdmin({ method: 'PATCH', url: '/v2/users/ops', payload: { roles: ['member'] } }),
    'a tenant admin revoking platform_admin',
  )
  const renamed = await tenantAdmin({
    method: 'PATCH',
    url: '/v2/users/ops',
    payload: { name: 'Operations', roles: ['platform_admin', 'tenant_admin'] },
  })
  t.equal(renamed.statusCode, 200, 'a change that keeps platform_admin as it is')
  t.same(renamed.json().data.roles, ['platform_admin', 'tenant_admin'])

  const demoted = await platformAdmin({
    method: 'PATCH',
    url: '/v2/users/ops',
    payload: { roles: ['member'] },
  })
  t.equal(demoted.statusCode, 200, 'a platform admin may revoke it')
  t.same(demoted.json().data.roles, ['member'])
})
