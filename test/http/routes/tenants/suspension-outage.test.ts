// A suspension whose answer is lost in an outage may still have been written: the instance forgets
// its cached standing all the same, so the tenant's next request sees the suspension at once, not
// after TENANT_CACHE_TTL_MS.
import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'
import { expectError } from '../../../helpers/expect.js'
import { failAttempts, throttling } from '../../../helpers/faults.js'

t.test('a suspension written but answered 503 is enforced at once', async (t) => {
  const app = await buildTestApp(t, { env: { DYNAMODB_MAX_ATTEMPTS: '1', TENANT_CACHE_TTL_MS: '600000' } })
  const root = app.as('platform', 'root', ['platform_admin'])
  const created = await root({ method: 'POST', url: '/v2/tenants', payload: { id: 'zeta', name: 'Zeta' } })
  t.equal(created.statusCode, 201)
  const member = app.as('zeta', 'zoe', ['member'])
  t.equal(
    (await member({ method: 'GET', url: '/v2/groups' })).statusCode,
    200,
    'active, and its standing cached',
  )

  failAttempts(app.data, { operation: 'TransactWriteItems', attempts: 1, error: throttling, afterSend: true })
  const suspend = await root({ method: 'PATCH', url: '/v2/tenants/zeta', payload: { status: 'suspended' } })
  expectError(t, suspend, 503, 'SERVICE_UNAVAILABLE', 'the suspension whose answer was lost')
  expectError(
    t,
    await member({ method: 'GET', url: '/v2/groups' }),
    403,
    'TENANT_SUSPENDED',
    'the next request',
  )
})
