// DynamoDB stalling rather than refusing (connections accepted, nothing answered): calls end at
// the client's own timeouts, so the API answers 503 SERVICE_UNAVAILABLE with Retry-After in
// bounded time (never 500, never a request left hanging), readiness goes 503 while liveness
// stays 200, and once DynamoDB answers again so does everything else, the data intact.
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { testDynamoDbEndpoint } from './helpers/dynamodb.js'
import { startTcpProxy } from './helpers/tcp-proxy.js'
import { until } from './helpers/until.js'

const REQUEST_TIMEOUT_MS = 300
const MAX_ATTEMPTS = 2
/** Every attempt times out, with a short backoff between: well inside this. */
const ANSWER_WITHIN_MS = 5 * REQUEST_TIMEOUT_MS * MAX_ATTEMPTS
const READY_AGAIN_WITHIN_MS = 15_000

t.test('a stalled DynamoDB: 503 with Retry-After in bounded time, then full recovery', async (t) => {
  const proxy = await startTcpProxy(await testDynamoDbEndpoint())
  t.teardown(() => proxy.close())
  const { app, as } = await buildTestApp(t, {
    env: {
      DYNAMODB_ENDPOINT: proxy.endpoint,
      DYNAMODB_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      DYNAMODB_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      HEALTH_PROBE_TIMEOUT_MS: '500',
      HEALTH_CACHE_TTL_MS: '0',
      // Every read goes to DynamoDB, so the last one shows what the table holds.
      CACHE_TTL_MS: '0',
    },
  })
  const alice = as('acme', 'alice')
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'Kept', groupType: 'team' },
  })
  t.equal(created.statusCode, 201)
  const id = created.json().data.id as string
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200)

  proxy.hang()
  for (const request of [
    { method: 'GET' as const, url: '/v2/groups' },
    { method: 'POST' as const, url: '/v2/groups', payload: { name: 'Stalled', groupType: 'team' } },
    { method: 'PATCH' as const, url: `/v2/groups/${id}`, payload: { name: 'Changed' } },
  ]) {
    const started = performance.now()
    const response = await alice(request)
    const took = performance.now() - started
    t.equal(response.statusCode, 503, `${request.method} ${request.url}`)
    t.match(response.json(), { success: false, error: { code: 'SERVICE_UNAVAILABLE' } })
    t.match(response.headers['retry-after'], /^\d+$/)
    t.ok(took < ANSWER_WITHIN_MS, `answered in ${took.toFixed(0)} ms`)
  }
  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 503, 'not ready while DynamoDB stalls')
  t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200, 'still live')

  proxy.resume()
  const readyAgain = await until(
    async () => (await app.inject({ method: 'GET', url: '/health/ready' })).statusCode === 200,
    READY_AGAIN_WITHIN_MS,
    100,
  )
  t.ok(readyAgain !== undefined, 'ready again once DynamoDB answers')
  const read = await alice({ method: 'GET', url: `/v2/groups/${id}` })
  t.equal(read.statusCode, 200)
  t.match(read.json().data, { id, name: 'Kept', version: 1 }, 'the stalled PATCH changed nothing')
  t.equal((await alice({ method: 'GET', url: '/v2/groups' })).statusCode, 200)
})
