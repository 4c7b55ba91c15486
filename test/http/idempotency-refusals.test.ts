// What a refusal does to an Idempotency-Key. The key's first attempt refused (4xx) wrote nothing,
// so the key is free for a corrected request. A later attempt refused must keep the key bound: an
// earlier attempt may have written with the key's seed, and only a retry with that seed finds it.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { expectError } from '../helpers/expect.js'
import { failAttempts, throttling } from '../helpers/faults.js'

t.test('refusals and the key', async (t) => {
  const app = await buildTestApp(t, { env: { DYNAMODB_MAX_ATTEMPTS: '1' } })
  const root = app.as('platform', 'pat', ['platform_admin'])
  const demoted = app.as('platform', 'pat', ['member'])
  const onboard = { method: 'POST' as const, url: '/v2/tenants', payload: { name: 'Zeta Corp' } }
  const keyed = (key: string) => ({ ...onboard, headers: { 'idempotency-key': key } })

  await t.test('a refused later attempt does not free a key an earlier attempt wrote with', async (t) => {
    // The first attempt's tenant is written, but its answer is lost.
    failAttempts(app.data, {
      operation: 'TransactWriteItems',
      attempts: 1,
      error: throttling,
      afterSend: true,
    })
    expectError(t, await root(keyed('onboard-1')), 503, 'SERVICE_UNAVAILABLE', 'the lost answer')
    // The same user retries with a token whose roles no longer allow it.
    expectError(t, await demoted(keyed('onboard-1')), 403, 'FORBIDDEN', 'the refused retry')
    const retry = await root(keyed('onboard-1'))
    t.equal(retry.statusCode, 201, 'the next retry finishes')
    const listed = await root({ method: 'GET', url: '/v2/tenants?limit=100' })
    const zetas = listed.json().data.filter((tenant: { name: string }) => tenant.name === 'Zeta Corp')
    t.equal(zetas.length, 1, 'one tenant, not two')
    t.equal(retry.json().data.id, zetas[0]?.id, 'the one the first attempt wrote')
  })

  await t.test("a first attempt's conflict frees the key for a corrected request", async (t) => {
    const admin = app.as('acme', 'alice', ['tenant_admin'])
    const user = (email: string) => ({
      method: 'POST' as const,
      url: '/v2/users',
      payload: { id: 'dave', email, name: 'Dave' },
      headers: { 'idempotency-key': 'user-dave' },
    })
    const taken = await admin({
      method: 'POST',
      url: '/v2/users',
      payload: { id: 'erin', email: 'taken@acme.example', name: 'Erin' },
    })
    t.equal(taken.statusCode, 201)
    expectError(t, await admin(user('taken@acme.example')), 409, 'CONFLICT', 'the email is taken')
    const corrected = await admin(user('dave@acme.example'))
    t.equal(corrected.statusCode, 201, 'the corrected request may use the key')
  })
})
