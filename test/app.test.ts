import t from 'tap'
import { buildTestApp } from './helpers/app.js'

t.test('every response carries X-Correlation-ID and API-Version; a safe caller id is echoed', async (t) => {
  const { app } = await buildTestApp(t)
  const echoed = await app.inject({
    method: 'GET',
    url: '/health/live',
    headers: { 'x-correlation-id': 'req-123' },
  })
  t.equal(echoed.headers['x-correlation-id'], 'req-123')
  t.equal(echoed.headers['api-version'], 'v2')

  const unsafe = await app.inject({
    method: 'GET',
    url: '/nope',
    headers: { 'x-correlation-id': 'bad id\twith spaces' },
  })
  t.not(unsafe.headers['x-correlation-id'], 'bad id\twith spaces')
  t.match(unsafe.headers['x-correlation-id'], /^[0-9a-f-]{36}$/)
  t.equal(unsafe.json().correlationId, unsafe.headers['x-correlation-id'])
})

t.test('unknown routes answer 404 in the error envelope, with or without a token', async (t) => {
  const { app, as } = await buildTestApp(t)
  for (const response of [
    await app.inject({ method: 'GET', url: '/v2/unknown' }),
    await as('acme', 'alice')({ method: 'GET', url: '/v2/unknown' }),
    await app.inject({ method: 'PUT', url: '/v2/groups' }),
  ]) {
    t.equal(response.statusCode, 404)
    t.match(response.json(), { success: false, error: { code: 'NOT_FOUND' }, correlationId: String })
    t.equal(response.headers['api-version'], 'v2')
  }
})

t.test('health: live without dependencies, ready and /health probing the table', async (t) => {
  const { app } = await buildTestApp(t)
  const live = await app.inject({ method: 'GET', url: '/health/live' })
  t.equal(live.statusCode, 200)
  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 200)
  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 200)
  t.match(health.json(), {
    status: 'healthy',
    checks: [{ name: 'dynamodb', status: 'healthy', durationMs: Number }],
  })
})

t.test('readiness is 503 when the table is missing', async (t) => {
  const { app } = await buildTestApp(t, { env: { APP_TABLE_NAME: 'no-such-table' } })
  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 503)
  t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200)
  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.json().status, 'unhealthy')
})

t.test('DynamoDB unreachable: data routes answer 503 with Retry-After, never 500', async (t) => {
  const { as } = await buildTestApp(t, {
    env: {
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
      DYNAMODB_MAX_ATTEMPTS: '2',
      DYNAMODB_CONNECT_TIMEOUT_MS: '200',
    },
  })
  const alice = as('acme', 'alice')
  for (const request of [
    { method: 'GET' as const, url: '/v2/groups' },
    { method: 'GET' as const, url: '/v2/groups/01J0000000000000000000000A' },
    { method: 'POST' as const, url: '/v2/groups', payload: { name: 'x', groupType: 'team' } },
  ]) {
    const response = await alice(request)
    t.equal(response.statusCode, 503, `${request.method} ${request.url}`)
    t.equal(response.json().error.code, 'SERVICE_UNAVAILABLE')
    t.ok(Number(response.headers['retry-after']) > 0)
    t.notMatch(response.body, /ECONNREFUSED|at .*\.ts/)
  }
})

t.test('/metrics exposes process metrics and request durations by route template', async (t) => {
  const { app, as } = await buildTestApp(t)
  const alice = as('acme', 'alice')
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'M', groupType: 'team' },
  })
  await alice({ method: 'GET', url: `/v2/groups/${created.json().data.id}` })
  await app.inject({ method: 'GET', url: '/some/random/path' })

  const metrics = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(metrics.statusCode, 200)
  t.match(metrics.headers['content-type'], /text\/plain/)
  t.match(metrics.body, /process_cpu_user_seconds_total/)
  t.match(
    metrics.body,
    /http_request_duration_seconds_count\{method="GET",route="\/v2\/groups\/:id",status_class="2xx"\} 1/,
  )
  t.match(metrics.body, /route="unmatched",status_class="4xx"/)
  t.notMatch(metrics.body, new RegExp(created.json().data.id), 'no raw URL becomes a label')
  t.match(
    metrics.body,
    /http_requests_by_tier_total\{tier="standard"\} 2/,
    'two authenticated requests, by tier',
  )
  t.notMatch(metrics.body, /tenant="acme"|acme/, 'no tenant id becomes a label')
  // The /metrics request itself is the one in flight while it is answered.
  t.match(metrics.body, /http_requests_in_flight 1\n/)
  const after = await app.inject({ method: 'GET', url: '/metrics' })
  t.match(after.body, /http_requests_in_flight 1\n/, 'finished requests are no longer counted')
  t.match(after.body, /log_lines_dropped_total 0\n/, 'dropped log lines are exported, none yet')
})

t.test('CORS answers only configured origins', async (t) => {
  const { app } = await buildTestApp(t, { env: { CORS_ORIGINS: 'https://app.example.com' } })
  const preflight = (origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/v2/groups',
      headers: { origin, 'access-control-request-method': 'POST' },
    })
  const allowed = await preflight('https://app.example.com')
  t.equal(allowed.headers['access-control-allow-origin'], 'https://app.example.com')
  const refused = await preflight('https://evil.example.com')
  t.notOk(refused.headers['access-control-allow-origin'])
})
