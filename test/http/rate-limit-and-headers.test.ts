// Per-tenant rate limits by tier, the security headers on every answer, and the request-level
// refusals (413, 415, 401 for an unsigned token), each in the error envelope.
import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { ulid } from 'ulid'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { expectError } from '../helpers/expect.js'

const BASIC_LIMIT = 5
const PREMIUM_LIMIT = 8
const OPERATIONS_ROUTES = ['/health/live', '/health/ready', '/health', '/metrics', '/openapi.json']

function expectSecurityHeaders(t: Test, response: LightMyRequestResponse, what: string) {
  t.equal(response.headers['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options nosniff`)
  t.match(response.headers['x-frame-options'], /^(DENY|SAMEORIGIN)$/, `${what}: X-Frame-Options`)
  t.match(
    response.headers['strict-transport-security'],
    /max-age=\d{6,}/,
    `${what}: Strict-Transport-Security`,
  )
  t.notOk(response.headers['x-powered-by'], `${what}: no X-Powered-By`)
}

/** Live groups of a tenant, straight from the table. */
async function storedGroupCount(app: TestApp, tenantId: string): Promise<number> {
  const output = await app.document.send(
    new QueryCommand({
      TableName: app.tableName,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3_pk = :pk',
      ExpressionAttributeValues: { ':pk': `tenant#${tenantId}#group` },
      Select: 'COUNT',
    }),
  )
  return output.Count ?? 0
}

t.test('rate limits per tenant and tier', async (t) => {
  const app = await buildTestApp(t, {
    env: {
      RATE_LIMIT_BASIC_PER_MINUTE: String(BASIC_LIMIT),
      RATE_LIMIT_PREMIUM_PER_MINUTE: String(PREMIUM_LIMIT),
    },
  })
  const root = app.as('platform', 'root', ['platform_admin'])
  for (const [id, tier] of [
    ['basicco', 'basic'],
    ['premco', 'premium'],
  ] as const) {
    const created = await root({ method: 'POST', url: '/v2/tenants', payload: { id, name: id, tier } })
    t.equal(created.statusCode, 201, `${id} onboarded on ${tier}`)
  }
  const basicMember = app.as('basicco', 'bea', ['member'])
  const basicAdmin = app.as('basicco', 'bill', ['tenant_admin'])

  await t.test('a basic tenant gets its limit, then 429 with Retry-After', async (t) => {
    for (let i = 1; i <= BASIC_LIMIT; i++) {
      const response = await basicMember({ method: 'GET', url: '/v2/groups' })
      t.equal(response.statusCode, 200, `request ${i} of ${BASIC_LIMIT}: 200`)
      t.equal(
        response.headers['x-ratelimit-limit'],
        String(BASIC_LIMIT),
        `request ${i}: the basic limit applies`,
      )
      t.equal(response.headers['x-ratelimit-remaining'], String(BASIC_LIMIT - i), `request ${i}: remaining`)
    }
    const limited = await basicMember({ method: 'GET', url: '/v2/groups' })
    expectError(t, limited, 429, 'RATE_LIMITED', `request ${BASIC_LIMIT + 1}`)
    t.ok(Number(limited.headers['retry-after']) >= 1, 'Retry-After is at least 1 second', {
      retryAfter: limited.headers['retry-after'],
    })
    t.ok(Number(limited.headers['retry-after']) <= 60, 'and within the window')
    expectSecurityHeaders(t, limited, 'the 429')

    // The limit is the tenant's, not the user's, and a write is refused before it is made.
    const otherUser = await basicAdmin({
      method: 'POST',
      url: '/v2/groups',
      payload: { name: 'x', groupType: 'team' },
    })
    expectError(t, otherUser, 429, 'RATE_LIMITED', 'another user of the tenant, writing')
    t.equal(await storedGroupCount(app, 'basicco'), 0, 'the refused write wrote nothing')
  })

  await t.test('another tenant on the default tier is unaffected', async (t) => {
    const standard = app.as('stdco', 'sam', ['member'])
    const statuses: number[] = []
    for (let i = 0; i < 3 * BASIC_LIMIT; i++) {
      const response = await standard({ method: 'GET', url: '/v2/groups' })
      statuses.push(response.statusCode)
      if (i === 0) t.equal(response.headers['x-ratelimit-limit'], '3000', 'the standard default applies')
    }
    t.ok(
      statuses.every((status) => status === 200),
      `${statuses.length} requests of a standard tenant all pass`,
      { statuses },
    )
    // And basicco is still limited meanwhile.
    expectError(
      t,
      await basicMember({ method: 'GET', url: '/v2/users/me' }),
      429,
      'RATE_LIMITED',
      'basicco again',
    )
  })

  await t.test('operations routes are never limited', async (t) => {
    const bearer = { authorization: `Bearer ${app.token('basicco', 'bea', ['member'])}` }
    for (const url of OPERATIONS_ROUTES) {
      for (let i = 0; i < 2 * BASIC_LIMIT; i++) {
        for (const headers of [{}, bearer]) {
          const response = await app.app.inject({ method: 'GET', url, headers })
          t.not(
            response.statusCode,
            429,
            `${url} #${i}${'authorization' in headers ? ' with a limited token' : ''}`,
          )
        }
      }
      // The probes of DynamoDB may answer 503 under load; the others depend on nothing.
      if (url === '/health' || url === '/health/ready') continue
      const last = await app.app.inject({ method: 'GET', url, headers: bearer })
      t.equal(last.statusCode, 200, `${url} still answers 200`)
    }
  })

  await t.test('a premium tenant gets its own limit', async (t) => {
    const premium = app.as('premco', 'pia', ['member'])
    for (let i = 1; i <= PREMIUM_LIMIT; i++) {
      const response = await premium({ method: 'GET', url: '/v2/groups' })
      t.equal(response.statusCode, 200, `request ${i} of ${PREMIUM_LIMIT}: 200`)
      t.equal(response.headers['x-ratelimit-limit'], String(PREMIUM_LIMIT), `request ${i}: the premium limit`)
    }
    const limited = await premium({ method: 'GET', url: '/v2/groups' })
    expectError(t, limited, 429, 'RATE_LIMITED', `premium request ${PREMIUM_LIMIT + 1}`)
    t.ok(Number(limited.headers['retry-after']) >= 1, 'with Retry-After')
  })

  await t.test('a 429 is not kept as the answer to an Idempotency-Key', async (t) => {
    const request: InjectOptions = {
      method: 'POST',
      url: '/v2/groups',
      payload: { name: 'after the limit', groupType: 'team' },
      headers: { 'idempotency-key': 'limited-1' },
    }
    expectError(t, await basicAdmin(request), 429, 'RATE_LIMITED', 'a keyed POST over the limit')
    t.equal(await storedGroupCount(app, 'basicco'), 0, 'nothing written')
    // Another instance on the same table (fresh counters, as behind a load balancer or once the
    // window has passed): the retry with the same key must run, not replay the refusal.
    const other = await buildTestApp(t, { env: { APP_TABLE_NAME: app.tableName } })
    const retry = await other.as('basicco', 'bill', ['tenant_admin'])(request)
    t.equal(retry.statusCode, 201, 'the retry with the same key is processed', {
      body: retry.body.slice(0, 200),
    })
    t.notOk(retry.headers['idempotent-replayed'], 'and is not a replay of the 429')
    t.equal(await storedGroupCount(app, 'basicco'), 1, 'the group was written once')
  })
})

t.test('security headers and request-level refusals', async (t) => {
  const app = await buildTestApp(t)
  const alice = app.as('acme', 'alice', ['tenant_admin'])
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'alpha', groupType: 'team' },
  })
  t.equal(created.statusCode, 201, 'a group')

  await t.test('helmet headers on every kind of answer', async (t) => {
    const answers: [string, LightMyRequestResponse][] = [
      ['POST 201', created],
      ['GET list 200', await alice({ method: 'GET', url: '/v2/groups' })],
      ['GET one 200', await alice({ method: 'GET', url: `/v2/groups/${created.json().data.id}` })],
      ['404', await alice({ method: 'GET', url: `/v2/groups/${ulid()}` })],
      ['400', await alice({ method: 'GET', url: '/v2/groups?limit=0' })],
      ['401', await app.app.inject({ method: 'GET', url: '/v2/groups' })],
      ['403', await alice({ method: 'GET', url: '/v2/tenants' })],
      ['unknown route 404', await alice({ method: 'GET', url: '/v2/nothing-here' })],
      ['health', await app.app.inject({ method: 'GET', url: '/health/live' })],
    ]
    for (const [what, response] of answers) expectSecurityHeaders(t, response, what)
    t.equal(answers[3]?.[1].statusCode, 404, 'the 404 is a 404')
    t.equal(answers[5]?.[1].statusCode, 401, 'the 401 is a 401')
  })

  await t.test('a body over the limit is 413', async (t) => {
    const big = JSON.stringify({ name: 'x'.repeat(1_048_576), groupType: 'team' })
    for (const url of ['/v2/groups', '/v2/users', '/v1/groups']) {
      const response = await alice({
        method: 'POST',
        url,
        payload: big,
        headers: { 'content-type': 'application/json' },
      })
      expectError(t, response, 413, 'PAYLOAD_TOO_LARGE', `POST ${url} of 1 MiB`)
      expectSecurityHeaders(t, response, `POST ${url} of 1 MiB`)
    }
    const patch = await alice({
      method: 'PATCH',
      url: `/v2/groups/${created.json().data.id}`,
      payload: JSON.stringify({ description: 'd'.repeat(1_048_576) }),
      headers: { 'content-type': 'application/json' },
    })
    expectError(t, patch, 413, 'PAYLOAD_TOO_LARGE', 'PATCH of 1 MiB')
  })

  await t.test('a body that is not JSON is 415', async (t) => {
    for (const contentType of ['text/plain', 'text/html', 'application/octet-stream']) {
      const response = await alice({
        method: 'POST',
        url: '/v2/groups',
        payload: JSON.stringify({ name: 'x', groupType: 'team' }),
        headers: { 'content-type': contentType },
      })
      expectError(t, response, 415, 'UNSUPPORTED_MEDIA_TYPE', `POST as ${contentType}`)
    }
    t.equal(await storedGroupCount(app, 'acme'), 1, 'nothing was written')
  })

  await t.test('a token signed with alg none is 401', async (t) => {
    const now = Math.floor(Date.now() / 1000)
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const claims = { sub: 'alice', tenant_id: 'acme', roles: ['platform_admin'], iat: now, exp: now + 3600 }
    for (const header of [{ alg: 'none', typ: 'JWT' }, { alg: 'None' }, { alg: 'NONE', typ: 'JWT' }]) {
      const unsigned = `${part(header)}.${part(claims)}.`
      for (const request of [
        { method: 'GET', url: '/v2/groups' },
        { method: 'GET', url: '/v2/tenants' },
        { method: 'POST', url: '/v2/groups', payload: { name: 'intruder', groupType: 'team' } },
      ] as InjectOptions[]) {
        const response = await app.app.inject({
          ...request,
          headers: { authorization: `Bearer ${unsigned}` },
        })
        expectError(
          t,
          response,
          401,
          'UNAUTHORIZED',
          `${request.method} ${request.url} with alg ${header.alg}`,
        )
        expectSecurityHeaders(t, response, `${request.method} ${request.url} with alg ${header.alg}`)
      }
    }
    t.equal(await storedGroupCount(app, 'acme'), 1, 'the unsigned token wrote nothing')
  })
})
