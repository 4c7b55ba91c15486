// When the shared Redis is unreachable, answers nothing, or restarts, the app goes on serving
// without a 5xx: rate limits are counted by this instance alone, invalidations wait for the cache
// TTL, a metric and the health check say so, and the shared behaviour comes back by itself.
import { Redis } from 'ioredis'
import t from 'tap'
import { freePort } from '../../scripts/dynamodb-local.js'
import { servicesOf } from '../../src/container.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { captureLogs } from '../helpers/log-capture.js'
import { startTestRedis } from '../helpers/redis.js'
import { until } from '../helpers/until.js'

const LIMIT = 5

async function metricValue(app: TestApp, name: string, labels: Record<string, string> = {}) {
  const metric = servicesOf(app.container).Metrics.registry.getSingleMetric(name)
  if (!metric) return undefined
  const { values } = await metric.get()
  const found = values.find((value) => Object.entries(labels).every(([k, v]) => value.labels[k] === v))
  return found?.value ?? 0
}

const connected = (app: TestApp) => async () => (await metricValue(app, 'tessera_redis_up')) === 1

function buildApp(t: Parameters<typeof buildTestApp>[0], redisUrl: string) {
  return buildTestApp(t, {
    env: { REDIS_URL: redisUrl, RATE_LIMIT_STANDARD_PER_MINUTE: String(LIMIT) },
  })
}

/** Statuses of `count` reads by one tenant, each timed. */
async function statusesOf(app: TestApp, tenantId: string, count: number) {
  const member = app.as(tenantId, 'alice')
  const statuses: number[] = []
  let slowestMs = 0
  for (let sent = 0; sent < count; sent++) {
    const started = performance.now()
    statuses.push((await member({ method: 'GET', url: '/v2/groups' })).statusCode)
    slowestMs = Math.max(slowestMs, performance.now() - started)
  }
  return { statuses, slowestMs }
}

function redisCheckOf(report: { checks: { name: string }[] }) {
  return report.checks.find((check) => check.name === 'redis')
}

const limited = [...Array(LIMIT).fill(200), 429]

t.test('Redis unreachable: served, limited by this instance, reported', async (t) => {
  const app = await buildApp(t, `redis://127.0.0.1:${await freePort()}`)
  const { statuses } = await statusesOf(app, 'acme', LIMIT + 1)
  t.same(statuses, limited, 'the limit still holds, counted here')

  const admin = app.as('other', 'root', ['tenant_admin'])
  const created = await admin({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'P', groupType: 'team' },
  })
  t.equal(created.statusCode, 201, 'a write is acknowledged though nobody can be told')

  t.equal(await metricValue(app, 'tessera_redis_up'), 0)
  t.ok(((await metricValue(app, 'tessera_redis_fallbacks_total', { use: 'rate_limit' })) ?? 0) > LIMIT)
  t.ok(((await metricValue(app, 'tessera_redis_fallbacks_total', { use: 'invalidation' })) ?? 0) >= 1)

  const health = await app.app.inject({ url: '/health' })
  t.equal(health.statusCode, 200)
  t.equal(health.json().status, 'degraded')
  t.match(redisCheckOf(health.json()), { status: 'degraded', critical: false })
  t.equal((await app.app.inject({ url: '/health/ready' })).statusCode, 200, 'still ready')
})

t.test('Redis answering nothing: no request waits long for it', async (t) => {
  const redis = await startTestRedis(t)
  const app = await buildApp(t, redis.url)
  t.ok(await until(connected(app), 5_000), 'connected')
  redis.freeze()
  const { statuses, slowestMs } = await statusesOf(app, 'acme', LIMIT + 1)
  t.same(statuses, limited)
  t.ok(slowestMs < 1_500, `the slowest request took ${Math.round(slowestMs)} ms`)
  const health = await app.app.inject({ url: '/health' })
  t.match(redisCheckOf(health.json()), { status: 'degraded' })

  redis.thaw()
  // Once Redis answers again (and the pause after the failure is over), counters are shared again.
  const client = new Redis(redis.url)
  t.teardown(() => client.disconnect())
  const key = `tessera:${app.tableName}:rate:tenant:later`
  const shared = await until(
    async () => {
      await statusesOf(app, 'later', 1)
      return (await client.get(key)) !== null
    },
    5_000,
    200,
  )
  t.ok(shared, 'a new tenant is counted in Redis')
})

t.test('Redis restarted: reconnected, and what was cached meanwhile is dropped', async (t) => {
  const redis = await startTestRedis(t)
  const app = await buildApp(t, redis.url)
  t.ok(await until(connected(app), 5_000), 'connected')
  const admin = app.as('acme', 'root', ['tenant_admin'])
  const created = await admin({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'P', groupType: 'team' },
  })
  await redis.kill()
  t.ok(await until(async () => !(await connected(app)()), 5_000), 'sees Redis go')
  // Cached while nobody could tell this instance of other instances' writes.
  t.equal((await admin({ method: 'GET', url: `/v2/groups/${created.json().data.id}` })).statusCode, 200)
  const cache = servicesOf(app.container).ItemCache
  t.equal(cache.size, 1)

  await redis.restart()
  t.ok(await until(connected(app), 10_000), 'reconnected by itself')
  t.ok(await until(() => cache.size === 0, 2_000), 'the cache is dropped once subscribed again')
  const { statuses } = await statusesOf(app, 'acme', 1)
  t.same(statuses, [200])
})

t.test('closing the app is no Redis outage: nothing is logged as one', async (t) => {
  const redis = await startTestRedis(t)
  const logs = captureLogs()
  const app = await buildTestApp(t, { env: { REDIS_URL: redis.url }, logStream: logs.stream })
  t.ok(await until(connected(app), 5_000), 'connected')
  await app.app.close()
  await new Promise((resolve) => setTimeout(resolve, 100))
  const said = logs
    .lines()
    .map((line) => line.msg)
    .filter((msg) => String(msg).startsWith('redis'))
  t.strictSame(said, ['redis connected: rate limits and invalidations are shared'])
})
