import type { Test } from 'tap'
import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'
import { testDynamoDbEndpoint } from '../../../helpers/dynamodb.js'
import { captureLogs } from '../../../helpers/log-capture.js'
import { sharedRedisEnv } from '../../../helpers/redis.js'
import { startSlowProxy } from '../../../helpers/slow-proxy.js'

/** The app, talking to DynamoDB Local through a proxy that answers after `delayMs`. */
async function appBehindProxy(t: Test, delayMs: number, env: Record<string, string> = {}) {
  const proxy = await startSlowProxy(await testDynamoDbEndpoint(), delayMs)
  t.teardown(() => proxy.close())
  const built = await buildTestApp(t, { env: { DYNAMODB_ENDPOINT: proxy.endpoint, ...env } })
  return { ...built, proxy }
}

t.test('healthy: the table is ACTIVE and a read answers, each check timed', async (t) => {
  const { app, config } = await buildTestApp(t)
  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 200)
  const body = health.json()
  t.equal(body.status, 'healthy')
  t.strictSame(
    body.checks.map((check: { name: string }) => check.name),
    // With REDIS_URL (npm test -- --redis), the link to Redis is checked too.
    ['dynamodb-table', 'dynamodb-read', 'event-loop', ...(config.redisUrl ? ['redis'] : [])],
  )
  const checks = body.checks.length
  for (const check of body.checks) t.match(check, { status: 'healthy', durationMs: Number })
  t.equal(body.summary, `${checks} of ${checks} checks healthy`)
  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 200)
  t.equal(ready.json().status, 'ready')
})

t.test('the probe really reads the table: DescribeTable and GetItem, once per cache period', async (t) => {
  const { app, proxy } = await appBehindProxy(t, 0, { HEALTH_CACHE_TTL_MS: '60000' })
  const answers = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      app.inject({ method: 'GET', url: i % 2 ? '/health' : '/health/ready' }),
    ),
  )
  t.ok(answers.every((answer) => answer.statusCode === 200))
  t.strictSame([...proxy.calls].sort(), ['DescribeTable', 'GetItem'], 'a burst of 30 reaches DynamoDB once')
  await app.inject({ method: 'GET', url: '/health' })
  t.equal(proxy.calls.length, 2, 'still cached')
})

t.test('without a cache every request probes again', async (t) => {
  const { app, proxy } = await appBehindProxy(t, 0, { HEALTH_CACHE_TTL_MS: '0' })
  await app.inject({ method: 'GET', url: '/health' })
  await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(proxy.calls.length, 4)
})

t.test('degraded: DynamoDB answers, but slower than the threshold; still ready', async (t) => {
  const { app } = await appBehindProxy(t, 150, {
    HEALTH_DEGRADED_AFTER_MS: '50',
    HEALTH_PROBE_TIMEOUT_MS: '2000',
    HEALTH_DETAILS: 'true',
  })
  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 200)
  t.equal(health.json().status, 'degraded')
  t.match(health.json().checks, [
    { name: 'dynamodb-table', status: 'degraded', detail: /slower than 50 ms/ },
    { name: 'dynamodb-read', status: 'degraded' },
  ])
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200)
})

t.test('unhealthy: no answer within the probe timeout; readiness 503, liveness 200', async (t) => {
  const { app } = await appBehindProxy(t, 1_500, {
    HEALTH_PROBE_TIMEOUT_MS: '200',
    HEALTH_DETAILS: 'true',
  })
  const started = performance.now()
  const health = await app.inject({ method: 'GET', url: '/health' })
  t.ok(performance.now() - started < 1_000, 'the timeout bounds the answer')
  t.equal(health.statusCode, 503)
  t.equal(health.json().status, 'unhealthy')
  t.match(health.json().checks[1], { name: 'dynamodb-read', status: 'unhealthy', detail: /within 200 ms/ })
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 503)
  t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200)
})

const UNREACHABLE = { DYNAMODB_ENDPOINT: 'http://127.0.0.1:9', DYNAMODB_MAX_ATTEMPTS: '1' }

t.test(
  'unhealthy: DynamoDB unreachable; the answers say which checks failed, the log says why',
  async (t) => {
    const logs = captureLogs()
    const { app } = await buildTestApp(t, {
      env: { ...UNREACHABLE, LOG_LEVEL: 'warn' },
      logStream: logs.stream,
    })
    const health = await app.inject({ method: 'GET', url: '/health' })
    t.equal(health.statusCode, 503)
    t.match(health.json(), {
      status: 'unhealthy',
      checks: [
        { name: 'dynamodb-table', status: 'unhealthy' },
        { name: 'dynamodb-read', status: 'unhealthy' },
        { name: 'event-loop', status: 'healthy' },
      ],
    })
    const ready = await app.inject({ method: 'GET', url: '/health/ready' })
    t.equal(ready.statusCode, 503)
    for (const answer of [health, ready]) {
      for (const check of answer.json().checks) t.notOk('detail' in check, `${check.name}: no detail`)
      t.notMatch(answer.body, /ECONNREFUSED|Error|127\.0\.0\.1|stack/, 'no internals in a public answer')
    }
    const logged = logs.lines().find((line) => line.msg === 'health checks not healthy')
    t.match(logged, {
      level: 'warn',
      checks: [
        { name: 'dynamodb-table', detail: 'ECONNREFUSED' },
        { name: 'dynamodb-read', detail: 'ECONNREFUSED' },
      ],
    })
  },
)

t.test('HEALTH_DETAILS=true: the answers say why too, as a code, never an address', async (t) => {
  const { app } = await buildTestApp(t, { env: { ...UNREACHABLE, HEALTH_DETAILS: 'true' } })
  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 503)
  t.match(health.json().checks, [
    { name: 'dynamodb-table', status: 'unhealthy', detail: 'ECONNREFUSED' },
    { name: 'dynamodb-read', status: 'unhealthy', detail: 'ECONNREFUSED' },
  ])
  t.notMatch(health.body, /127\.0\.0\.1|stack/)
})

t.test('draining: readiness 503 at once, /health unhealthy, liveness still 200', async (t) => {
  const { app, proxy } = await appBehindProxy(t, 0, { HEALTH_CACHE_TTL_MS: '0' })
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200)
  const probesBefore = proxy.calls.length
  app.startDraining()
  t.ok(app.draining)
  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 503)
  t.strictSame(ready.json(), { status: 'not_ready', reason: 'shutting_down' })
  t.equal(proxy.calls.length, probesBefore, 'no probe needed to say no')
  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 503)
  const checks = [
    { name: 'dynamodb-table' },
    { name: 'dynamodb-read' },
    { name: 'event-loop' },
    ...('REDIS_URL' in sharedRedisEnv() ? [{ name: 'redis' }] : []),
    { name: 'shutdown' },
  ]
  t.match(health.json(), {
    status: 'unhealthy',
    checks,
    summary: `${checks.length - 1} of ${checks.length} checks healthy`,
  })
  t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200)
})

t.test('draining alone keeps connections open: the listener closing closes them', async (t) => {
  const { app } = await buildTestApp(t)
  app.startDraining()
  const answer = await app.inject({ method: 'GET', url: '/health/live' })
  t.not(answer.headers.connection, 'close')
})
