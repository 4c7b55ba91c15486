// Faults injected at the SDK middleware level against real DynamoDB Local: every item is written
// exactly once, and what cannot be written is reported, never dropped or duplicated.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import t from 'tap'
import { TOKENS } from '../../src/container.js'
import type { Metrics } from '../../src/observability/metrics.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { failAttempts, leaveUnprocessed, throttling, timeout } from '../helpers/faults.js'

const groupBodies = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => ({ name: `${prefix} ${i}`, groupType: 'team' }))

/** Every group of the tenant, read straight from the table (gsi3 holds one entry per live group). */
async function storedGroups({ document, tableName }: TestApp, tenantId: string) {
  const items: Record<string, unknown>[] = []
  let ExclusiveStartKey: Record<string, unknown> | undefined
  do {
    const page = await document.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3_pk = :pk',
        ExpressionAttributeValues: { ':pk': `tenant#${tenantId}#group` },
        ExclusiveStartKey,
      }),
    )
    items.push(...(page.Items ?? []))
    ExclusiveStartKey = page.LastEvaluatedKey
  } while (ExclusiveStartKey)
  return items
}

const clientOf = (app: TestApp) => app.container.resolve<DynamoDBClient>(TOKENS.DynamoDbClient)
const metricsOf = (app: TestApp) => app.container.resolve<Metrics>(TOKENS.Metrics)

t.test('batch import under throttling and partial UnprocessedItems writes every item once', async (t) => {
  const app = await buildTestApp(t, { env: { DYNAMODB_MAX_ATTEMPTS: '4' } })
  const throttled = failAttempts(clientOf(app), {
    operation: 'BatchWriteItem',
    attempts: 3,
    error: throttling,
  })
  const partial = leaveUnprocessed(clientOf(app), { keep: 10, calls: 12 })

  const response = await app.as(
    'acme',
    'alice',
  )({
    method: 'POST',
    url: '/v2/groups/batch',
    payload: { items: groupBodies(260, 'import') },
  })
  t.equal(response.statusCode, 200)
  const outcomes = response.json().data as { index: number; id?: string; error?: unknown }[]
  t.equal(outcomes.length, 260)
  t.same(
    outcomes.map((outcome) => outcome.index),
    Array.from({ length: 260 }, (_, i) => i),
  )
  t.ok(
    outcomes.every((outcome) => outcome.id && !outcome.error),
    'every item acknowledged',
  )
  t.equal(throttled.failed(), 3, 'the throttles happened')
  t.equal(partial.cut(), 12, 'the partial batches happened')

  const stored = await storedGroups(app, 'acme')
  t.equal(stored.length, 260, 'exactly the acknowledged items are stored')
  t.same(new Set(stored.map((item) => item.id)), new Set(outcomes.map((outcome) => outcome.id)))
  t.equal(
    await metricsOf(app)
      .dynamodbThrottles.get()
      .then((m) => m.values[0]?.value),
    3,
  )
  const unprocessed = await metricsOf(app).dynamodbUnprocessed.get()
  t.ok((unprocessed.values[0]?.value ?? 0) > 0, 'unprocessed items are counted')
})

t.test('items still unprocessed after the retry bound are reported by index, not dropped', async (t) => {
  const app = await buildTestApp(t, { env: { BATCH_MAX_ATTEMPTS: '3' } })
  // Items named `stuck 1x` are never processed, however often they are sent.
  leaveUnprocessed(clientOf(app), {
    keep: 25,
    calls: Number.POSITIVE_INFINITY,
    hold: (item) => /^stuck 1\d$/.test(String(item.name)),
  })

  const items = groupBodies(50, 'stuck')
  items.splice(7, 1, { name: '', groupType: 'team' })
  const response = await app.as(
    'acme',
    'alice',
  )({ method: 'POST', url: '/v2/groups/batch', payload: { items } })
  t.equal(response.statusCode, 200)
  const outcomes = response.json().data as { index: number; id?: string; error?: { code: string } }[]
  const written = outcomes.filter((outcome) => outcome.id)
  const unavailable = outcomes.filter((outcome) => outcome.error?.code === 'SERVICE_UNAVAILABLE')
  const invalid = outcomes.filter((outcome) => outcome.error?.code === 'VALIDATION_ERROR')
  t.same(
    invalid.map((outcome) => outcome.index),
    [7],
  )
  t.equal(written.length + unavailable.length + invalid.length, 50, 'every item has an outcome')
  t.same(
    unavailable.map((outcome) => outcome.index),
    Array.from({ length: 10 }, (_, i) => 10 + i),
    'exactly the stuck items are reported',
  )

  const stored = await storedGroups(app, 'acme')
  t.same(new Set(stored.map((item) => item.id)), new Set(written.map((outcome) => outcome.id)))
})

t.test('a write whose response is lost is retried and applied once', async (t) => {
  const app = await buildTestApp(t, { env: { DYNAMODB_MAX_ATTEMPTS: '3' } })
  const alice = app.as('acme', 'alice')

  const lostPut = failAttempts(clientOf(app), {
    operation: 'PutItem',
    attempts: 1,
    error: timeout,
    afterSend: true,
  })
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'Once', groupType: 'team' },
  })
  t.equal(created.statusCode, 201, 'the retry finds its own item: success, not a conflict')
  t.equal(lostPut.failed(), 1)
  t.equal((await storedGroups(app, 'acme')).length, 1)
  const id = created.json().data.id

  failAttempts(clientOf(app), { operation: 'PutItem', attempts: 1, error: timeout, afterSend: true })
  const updated = await alice({ method: 'PATCH', url: `/v2/groups/${id}`, payload: { name: 'Twice?' } })
  t.equal(updated.statusCode, 200)
  t.equal(updated.json().data.version, 2)
  const read = await alice({ method: 'GET', url: `/v2/groups/${id}` })
  t.match(read.json().data, { name: 'Twice?', version: 2 }, 'one update, one version')

  failAttempts(clientOf(app), { operation: 'UpdateItem', attempts: 1, error: timeout, afterSend: true })
  const deleted = await alice({ method: 'DELETE', url: `/v2/groups/${id}` })
  t.equal(deleted.statusCode, 204)
  t.equal((await storedGroups(app, 'acme')).length, 0)
})

t.test('throttling that outlasts the retries answers 503 with Retry-After, never 500', async (t) => {
  const app = await buildTestApp(t, { env: { DYNAMODB_MAX_ATTEMPTS: '2' } })
  const alice = app.as('acme', 'alice')
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'Busy', groupType: 'team' },
  })
  failAttempts(clientOf(app), { operation: 'Query', attempts: 2, error: throttling })
  const listed = await alice({ method: 'GET', url: '/v2/groups' })
  t.equal(listed.statusCode, 503)
  t.equal(listed.json().error.code, 'SERVICE_UNAVAILABLE')
  t.ok(Number(listed.headers['retry-after']) >= 1)

  failAttempts(clientOf(app), { operation: 'Query', attempts: 1, error: throttling })
  const retried = await alice({ method: 'GET', url: '/v2/groups' })
  t.equal(retried.statusCode, 200, 'one throttle is absorbed by the SDK retry')
  t.equal(retried.json().data[0].id, created.json().data.id)
})
