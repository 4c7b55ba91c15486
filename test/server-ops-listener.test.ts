// OPS_PORT: /metrics and health with its details on a port of their own, which the load balancer
// never routes to; the main port answers /metrics as an unknown route and /health without details.
import t from 'tap'
import { freePort } from '../scripts/dynamodb-local.js'
import { call, type Outcome } from './helpers/http-client.js'
import { startServerProcess } from './helpers/server-process.js'

const json = (outcome: Outcome) => (outcome.kind === 'response' ? JSON.parse(outcome.body) : undefined)
const status = (outcome: Outcome) => (outcome.kind === 'response' ? outcome.status : outcome.code)

t.test('the operations listener keeps /metrics and health details off the main port', async (t) => {
  const opsPort = await freePort()
  // DynamoDB unreachable, so the checks fail and there is a reason to show (or not).
  const server = await startServerProcess({
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
    DYNAMODB_MAX_ATTEMPTS: '1',
    OPS_PORT: String(opsPort),
  })
  t.teardown(() => server.child.kill('SIGKILL'))

  const metrics = await call(server.port, { path: '/metrics' })
  const unknown = await call(server.port, { path: '/no/such/route' })
  t.equal(status(metrics), 404, 'main port: /metrics is not there')
  t.match(json(metrics), { success: false, error: { code: 'NOT_FOUND' }, correlationId: String })
  if (metrics.kind === 'response' && unknown.kind === 'response') {
    const names = (outcome: typeof metrics) => Object.keys(outcome.headers).sort()
    t.strictSame(names(metrics), names(unknown), 'answered like any unknown route')
  }
  t.equal(status(await call(server.port, { path: '/health/live' })), 200)
  for (const path of ['/health', '/health/ready']) {
    const health = await call(server.port, { path })
    t.equal(status(health), 503, `main port: ${path} says unhealthy`)
    t.ok(
      json(health).checks.every((check: object) => !('detail' in check)),
      `main port: ${path} without details`,
    )
  }

  const scrape = await call(opsPort, { path: '/metrics' })
  t.equal(status(scrape), 200, 'ops port: /metrics')
  t.match(
    scrape.kind === 'response' && scrape.body,
    /^http_request_duration_seconds_count\{method="GET",route="unmatched",status_class="4xx"\} [1-9]/m,
    'the refused scrape counts as an unmatched route',
  )
  const health = await call(opsPort, { path: '/health' })
  t.equal(status(health), 503)
  t.match(json(health).checks, [
    { name: 'dynamodb-table', detail: 'ECONNREFUSED' },
    { name: 'dynamodb-read', detail: 'ECONNREFUSED' },
  ])
  t.equal(status(await call(opsPort, { path: '/health/live' })), 200)
  t.equal(status(await call(opsPort, { path: '/v2/groups' })), 404, 'ops port: no API')
  t.match(json(await call(opsPort, { path: '/openapi.json' })), { error: { code: 'NOT_FOUND' } })

  server.child.kill('SIGTERM')
  t.equal((await server.exited).code, 0, 'exits cleanly with both listeners')
  t.equal(status(await call(opsPort, { path: '/health/live' })), 'ECONNREFUSED', 'the ops port is closed')
})
