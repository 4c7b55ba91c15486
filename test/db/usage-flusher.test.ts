// Flushing usage when DynamoDB fails: a flush whose answer is lost after it was applied is not
// added again when it is retried (by the SDK or by the next flush), and a flush DynamoDB refused
// keeps its counts for the next one. Faults are injected below the SDK's retries.
import t, { type Test } from 'tap'
import { servicesOf } from '../../src/container.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { testDynamoDbEndpoint } from '../helpers/dynamodb.js'
import { failAttempts, throttling, timeout } from '../helpers/faults.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'
import { storedUsage } from '../usage/helpers.js'

const isUsageWrite = (input: unknown) =>
  String((input as { Key?: { pk?: { S?: string } } }).Key?.pk?.S).endsWith('#usage')

async function reads(t: Test, testApp: TestApp, count: number): Promise<void> {
  const alice = testApp.as('acme', 'alice')
  for (let i = 0; i < count; i++)
    t.equal((await alice({ method: 'GET', url: '/v2/groups?limit=1' })).statusCode, 200, 'a list read')
}

const listed = (count: number) => ({ 'GET /v2/groups#2xx': count })

t.test('a flush applied, then timed out on every attempt, is not added again by the next', async (t) => {
  const testApp = await buildTestApp(t)
  const { UsageFlusher: flusher, DynamoDbClient: client } = servicesOf(testApp.container)
  await reads(t, testApp, 3)
  // The first attempt lands but its answer is lost; the SDK's two retries time out unsent.
  const landed = failAttempts(client, {
    operation: 'UpdateItem',
    attempts: 1,
    error: timeout,
    afterSend: true,
    when: isUsageWrite,
  })
  const unsent = failAttempts(client, {
    operation: 'UpdateItem',
    attempts: 2,
    error: timeout,
    when: (input) => isUsageWrite(input) && landed.failed() === 1,
  })
  t.equal(await flusher.flush(), false, 'the flush saw only timeouts')
  t.equal(landed.failed() + unsent.failed(), 3, 'the SDK tried three times')
  t.strictSame((await storedUsage(testApp, 'acme')).requests, listed(3), 'the first attempt landed')

  await reads(t, testApp, 2)
  t.equal(await flusher.flush(), true, 'the next flush sends the same batch again, and it is refused')
  t.strictSame((await storedUsage(testApp, 'acme')).requests, listed(3), 'still stored once')
  t.equal(await flusher.flush(), true, 'then what was counted meanwhile')
  t.strictSame((await storedUsage(testApp, 'acme')).requests, listed(5))
})

t.test('the SDK retrying a flush whose first answer was lost adds it once', async (t) => {
  const testApp = await buildTestApp(t)
  const { UsageFlusher: flusher, DynamoDbClient: client } = servicesOf(testApp.container)
  await reads(t, testApp, 4)
  const fault = failAttempts(client, {
    operation: 'UpdateItem',
    attempts: 1,
    error: timeout,
    afterSend: true,
    when: isUsageWrite,
  })
  t.equal(await flusher.flush(), true, 'the retry was refused as already applied: done')
  t.equal(fault.failed(), 1)
  t.strictSame((await storedUsage(testApp, 'acme')).requests, listed(4))
})

t.test('a flush DynamoDB refused keeps its counts for the next one, and nothing throws', async (t) => {
  const testApp = await buildTestApp(t)
  const { UsageFlusher: flusher, DynamoDbClient: client } = servicesOf(testApp.container)
  await reads(t, testApp, 2)
  failAttempts(client, { operation: 'UpdateItem', attempts: 3, error: throttling, when: isUsageWrite })
  t.equal(await flusher.flush(), false, 'the flush failed, and said so without throwing')
  t.strictSame((await storedUsage(testApp, 'acme')).requests, {}, 'nothing stored')
  await reads(t, testApp, 1)
  t.equal(await flusher.flush(), true)
  t.equal(await flusher.flush(), true)
  t.strictSame((await storedUsage(testApp, 'acme')).requests, listed(3), 'every request, once')
})

t.test('close flushes what is left', async (t) => {
  const testApp = await buildTestApp(t)
  await reads(t, testApp, 2)
  await testApp.app.close()
  t.strictSame((await storedUsage(testApp, 'acme')).requests, listed(2))
})

t.test('a flush under way when DynamoDB stalls does not hold the close up', async (t) => {
  const proxy = await startTcpProxy(await testDynamoDbEndpoint())
  t.teardown(() => proxy.close())
  const testApp = await buildTestApp(t, {
    env: {
      DYNAMODB_ENDPOINT: proxy.endpoint,
      DYNAMODB_REQUEST_TIMEOUT_MS: '15000',
      DYNAMODB_MAX_ATTEMPTS: '1',
    },
  })
  await reads(t, testApp, 2)
  proxy.hang()
  const stalled = servicesOf(testApp.container).UsageFlusher.flush()
  const started = performance.now()
  await testApp.app.close()
  const took = performance.now() - started
  t.ok(took < 8_000, `closed in ${Math.round(took)} ms: the close's own 5 s, not the stalled call's 15 s`)
  t.equal(await stalled, false, 'the stalled flush was given up')
})
