// Two server processes share a redis-server that is killed mid-test: both keep answering, without
// a 5xx, reporting the outage in /metrics and /health (degraded, still ready); once Redis is back
// they reconnect by themselves and a write on one is seen on the other within a second again.
import t from 'tap'
import { type Call, call } from './helpers/http-client.js'
import { startTestRedis } from './helpers/redis.js'
import { type ServerProcess, startTestServers } from './helpers/server-process.js'
import { bearer } from './helpers/tokens.js'
import { until } from './helpers/until.js'

async function answer(server: ServerProcess, request: Call) {
  const outcome = await call(server.port, request)
  if (outcome.kind !== 'response') throw new Error(`no answer from :${server.port}: ${outcome.code}`)
  return { ...outcome, json: outcome.body.startsWith('{') ? JSON.parse(outcome.body) : undefined }
}

async function redisUp(server: ServerProcess): Promise<boolean> {
  const metrics = await answer(server, { path: '/metrics' })
  return /^tessera_redis_up 1$/m.test(metrics.body)
}

t.test('Redis killed and restarted under two instances', async (t) => {
  const redis = await startTestRedis(t)
  const servers = await startTestServers(t, 2, { REDIS_URL: redis.url, CACHE_TTL_MS: '60000' })
  const [a, b] = servers as [ServerProcess, ServerProcess]
  const admin = { authorization: bearer('acme', 'alice', ['tenant_admin']) }
  const bothUp = async () => (await redisUp(a)) && (await redisUp(b))
  t.ok(await until(bothUp, 10_000, 100), 'both connected')

  const created = await answer(a, {
    method: 'POST',
    path: '/v2/groups',
    headers: admin,
    body: { name: 'Before', groupType: 'team' },
  })
  t.equal(created.status, 201)
  const path = `/v2/groups/${created.json.data.id}`

  await redis.kill()
  const statuses: number[] = []
  const deadline = performance.now() + 2_500
  for (let round = 0; performance.now() < deadline; round++) {
    for (const server of servers) {
      statuses.push((await answer(server, { path, headers: admin })).status)
      const patch = { method: 'PATCH', path, headers: admin, body: { description: `round ${round}` } }
      statuses.push((await answer(server, patch)).status)
      const create = {
        method: 'POST',
        path: '/v2/groups',
        headers: admin,
        body: { name: 'x', groupType: 't' },
      }
      statuses.push((await answer(server, create)).status)
    }
  }
  t.ok(statuses.length >= 12, `${statuses.length} requests answered during the outage`)
  t.strictSame(
    statuses.filter((status) => status >= 500),
    [],
    'no 5xx',
  )
  for (const server of servers) {
    t.notOk(await redisUp(server), 'the metric shows Redis down')
    const health = await answer(server, { path: '/health' })
    t.equal(health.status, 200)
    t.equal(health.json.status, 'degraded')
    t.equal((await answer(server, { path: '/health/ready' })).status, 200, 'still ready')
  }

  await redis.restart()
  t.ok(await until(bothUp, 10_000, 100), 'both reconnected by themselves')
  // B may have cached the group while it heard nothing; resubscribed, it has dropped that copy.
  const patched = await answer(a, { method: 'PATCH', path, headers: admin, body: { name: 'After' } })
  t.equal(patched.status, 200)
  const acknowledged = performance.now()
  const seen = await until(
    async () => (await answer(b, { path, headers: admin })).json.data.name === 'After',
    1_000,
  )
  t.ok(seen !== undefined && seen - acknowledged <= 1_000, 'B serves the new name within a second')

  // One line when Redis goes and one when it is back, however often reconnecting failed between
  // (a command in flight when Redis went may add a `redis command failed` line).
  const connectionLines = (server: ServerProcess) =>
    server
      .logLines()
      .map((line) => String(line.msg))
      .filter((message) => /^redis (connected|unavailable)/.test(message))
  // Log lines reach stdout in batches, at least every 200 ms.
  await until(() => servers.every((server) => connectionLines(server).length >= 3), 2_000, 50)
  for (const server of servers) {
    t.strictSame(connectionLines(server), [
      'redis connected: rate limits and invalidations are shared',
      'redis unavailable: falling back to this instance',
      'redis connected: rate limits and invalidations are shared',
    ])
  }
})
