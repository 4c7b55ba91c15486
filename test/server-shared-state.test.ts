// Several server processes on one table and one redis-server behave as one server: a tenant's
// rate limit counts requests to all of them, and a write or a suspension on one is seen on the
// others within a second, though their caches would keep the old answer for a minute.
import t from 'tap'
import { type Call, call, type Outcome } from './helpers/http-client.js'
import { startTestRedis } from './helpers/redis.js'
import { type ServerProcess, startTestServers } from './helpers/server-process.js'
import { bearer } from './helpers/tokens.js'
import { until } from './helpers/until.js'

const LIMIT = 60
const MINUTE = '60000'

async function answer(server: ServerProcess, request: Call) {
  const outcome: Outcome = await call(server.port, request)
  if (outcome.kind !== 'response') throw new Error(`no answer from :${server.port}: ${outcome.code}`)
  return { ...outcome, json: outcome.body ? JSON.parse(outcome.body) : undefined }
}

t.test('a tenant is limited to its rate across all instances', async (t) => {
  const redis = await startTestRedis(t)
  const servers = await startTestServers(t, 3, {
    REDIS_URL: redis.url,
    RATE_LIMIT_STANDARD_PER_MINUTE: String(LIMIT),
  })
  const authorization = bearer('ratelimited', 'alice')
  const statuses: number[] = []
  let retryAfter: string | string[] | undefined
  // Twice the limit, spread evenly: per instance, each would see only two thirds of its limit.
  for (let sent = 0; sent < 2 * LIMIT; sent++) {
    const server = servers[sent % servers.length] as ServerProcess
    const response = await answer(server, { path: '/v2/users/me', headers: { authorization } })
    statuses.push(response.status)
    if (response.status === 429) retryAfter ??= response.headers['retry-after']
  }
  const served = statuses.filter((status) => status !== 429).length
  t.ok(
    served >= LIMIT * 0.9 && served <= LIMIT * 1.1,
    `${served} served of ${statuses.length}, limit ${LIMIT}`,
  )
  t.notOk(
    statuses.some((status) => status >= 500),
    'no 5xx',
  )
  t.match(retryAfter, /^\d+$/, '429 carries Retry-After')
  // Another tenant has its own count.
  const other = await answer(servers[0] as ServerProcess, {
    path: '/v2/users/me',
    headers: { authorization: bearer('unlimited', 'bob') },
  })
  t.not(other.status, 429)
})

t.test('writes and suspensions on one instance reach the others within a second', async (t) => {
  const redis = await startTestRedis(t)
  // Caches that would keep an old answer for a minute on their own.
  const [a, b] = (await startTestServers(t, 2, {
    REDIS_URL: redis.url,
    CACHE_TTL_MS: MINUTE,
    TENANT_CACHE_TTL_MS: MINUTE,
  })) as [ServerProcess, ServerProcess]
  const admin = { authorization: bearer('acme', 'alice', ['tenant_admin']) }
  const platform = { authorization: bearer('platform', 'root', ['platform_admin']) }

  t.test('a PATCH acknowledged by A is read on B', async (t) => {
    const created = await answer(a, {
      method: 'POST',
      path: '/v2/groups',
      headers: admin,
      body: { name: 'Before', groupType: 'team', privacySettings: { visibility: 'tenant' } },
    })
    t.equal(created.status, 201)
    const path = `/v2/groups/${created.json.data.id}`
    // B reads it twice: the second answer comes from its cache.
    for (let read = 0; read < 2; read++)
      t.equal((await answer(b, { path, headers: admin })).json.data.name, 'Before')

    const patched = await answer(a, { method: 'PATCH', path, headers: admin, body: { name: 'After' } })
    t.equal(patched.status, 200)
    const acknowledged = performance.now()
    const seen = await until(
      async () => (await answer(b, { path, headers: admin })).json.data.name === 'After',
      1_000,
    )
    t.ok(seen, 'B serves the new name')
    t.ok(
      seen !== undefined && seen - acknowledged <= 1_000,
      `within ${Math.round((seen ?? 0) - acknowledged)} ms`,
    )
  })

  t.test('a suspension made on A is enforced on B', async (t) => {
    const tenant = await answer(a, {
      method: 'POST',
      path: '/v2/tenants',
      headers: platform,
      body: { id: 'initech', name: 'Initech', tier: 'basic' },
    })
    t.equal(tenant.status, 201)
    const member = { authorization: bearer('initech', 'peter') }
    // B holds the tenant's standing (active) in its cache.
    t.equal((await answer(b, { path: '/v2/users/me', headers: member })).status, 404)

    const suspended = await answer(a, {
      method: 'PATCH',
      path: '/v2/tenants/initech',
      headers: platform,
      body: { status: 'suspended' },
    })
    t.equal(suspended.status, 200)
    const acknowledged = performance.now()
    const refused = await until(async () => {
      const response = await answer(b, { path: '/v2/users/me', headers: member })
      return response.status === 403 && response.json.error.code === 'TENANT_SUSPENDED'
    }, 1_000)
    t.ok(refused !== undefined && refused - acknowledged <= 1_000, 'B refuses the tenant within a second')
  })
})
