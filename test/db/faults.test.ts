// Faults injected at the SDK middleware level against real DynamoDB Local: every item is written
// exactly once (with its audit entry), and what cannot be written is reported, never dropped.
import t, { type Test } from 'tap'
import { servicesOf } from '../../src/container.js'
import { Group, initialise } from '../../src/models/index.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import {
  cancelledByThrottling,
  failAttempts,
  leaveUnprocessed,
  throttling,
  timeout,
} from '../helpers/faults.js'
import { storedAudit, storedGroups } from '../helpers/table.js'

const groupBodies = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => ({ name: `${prefix} ${i}`, groupType: 'team' }))

const clientOf = (app: TestApp) => app.data
const metricsOf = (app: TestApp) => servicesOf(app.container).Metrics

/** Each group once, each with exactly one `create` audit entry, and nothing else. */
async function assertWrittenOnce(t: Test, app: TestApp, ids: readonly string[]) {
  const stored = await storedGroups(app, 'acme')
  t.equal(stored.length, ids.length, 'exactly the acknowledged groups are stored')
  t.same(new Set(stored.map((item) => item.id)), new Set(ids))
  const audit = await storedAudit(app, 'acme')
  t.equal(audit.length, ids.length, 'one audit entry per group')
  t.same(new Set(audit.map((entry) => entry.entity_id)), new Set(ids))
}

t.test('batch import through throttled transactions writes every group and audit entry once', async (t) => {
  const app = await buildTestApp(t, { env: { DYNAMODB_MAX_ATTEMPTS: '4' } })
  const throttled = failAttempts(clientOf(app), {
    operation: 'TransactWriteItems',
    attempts: 3,
    error: throttling,
  })
  const cancelled = failAttempts(clientOf(app), {
    operation: 'TransactWriteItems',
    attempts: 2,
    error: cancelledByThrottling,
  })

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
  t.same(
    outcomes.map((outcome) => outcome.index),
    Array.from({ length: 260 }, (_, i) => i),
  )
  t.ok(
    outcomes.every((outcome) => outcome.id && !outcome.error),
    'every item acknowledged',
  )
  t.equal(throttled.failed(), 3, 'the throttles happened')
  t.equal(cancelled.failed(), 2, 'the cancelled transactions happened')
  await assertWrittenOnce(
    t,
    app,
    outcomes.map((outcome) => outcome.id as string),
  )
  t.equal((await metricsOf(app).dynamodbThrottles.get()).values[0]?.value, 3, 'throttles are counted')
})

t.test('items whose transaction keeps failing are reported by index, the rest written', async (t) => {
  const app = await buildTestApp(t, { env: { BATCH_MAX_ATTEMPTS: '3', DYNAMODB_MAX_ATTEMPTS: '1' } })
  // Any transaction holding a group named `stuck 1x` is throttled, however often it is sent.
  failAttempts(clientOf(app), {
    operation: 'TransactWriteItems',
    attempts: Number.POSITIVE_INFINITY,
    error: throttling,
    when: (input) => /stuck 1\d"/.test(JSON.stringify(input)),
  })
  const items: { name: string; groupType: string }[] = groupBodies(120, 'stuck')
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
  t.equal(written.length + unavailable.length + invalid.length, 120, 'every item has an outcome')
  const failedIndexes = new Set(unavailable.map((outcome) => outcome.index))
  for (let i = 10; i < 20; i++) t.ok(failedIndexes.has(i), `stuck item ${i} is reported`)
  t.ok(written.length >= 60, 'the other transactions were written')
  await assertWrittenOnce(
    t,
    app,
    written.map((outcome) => outcome.id as string),
  )
})

t.test(
  'batch writes retry throttling and partial UnprocessedItems; what never gets through is returned',
  async (t) => {
    const app = await buildTestApp(t, { env: { DYNAMODB_MAX_ATTEMPTS: '4', BATCH_MAX_ATTEMPTS: '4' } })
    const gateway = servicesOf(app.container).TableGateway
    const throttled = failAttempts(clientOf(app), {
      operation: 'BatchWriteItem',
      attempts: 3,
      error: throttling,
    })
    const partial = leaveUnprocessed(clientOf(app), {
      keep: 10,
      calls: Number.POSITIVE_INFINITY,
      hold: (item) => /^held \d$/.test(String(item.name)),
    })
    const groups = Array.from({ length: 130 }, (_, i) => {
      const group = initialise(new Group(), new Date(), 1)
      Object.assign(group, {
        tenantId: 'acme',
        userId: 'alice',
        name: i < 10 ? `held ${i}` : `bulk ${i}`,
        groupType: 'team',
      })
      return group
    })
    const failed = await gateway.createMany(groups)
    t.same(
      failed.map(({ model }) => model.name).sort(),
      groups
        .slice(0, 10)
        .map((group) => group.name)
        .sort(),
    )
    t.equal(throttled.failed(), 3)
    t.ok(partial.cut() > 0)
    const stored = await storedGroups(app, 'acme')
    t.same(
      new Set(stored.map((item) => item.id)),
      new Set(groups.slice(10).map((group) => group.id)),
      'all others written once',
    )
    t.ok(
      ((await metricsOf(app).dynamodbUnprocessed.get()).values[0]?.value ?? 0) > 0,
      'unprocessed items are counted',
    )
  },
)

t.test('a write whose response is lost is retried and applied once', async (t) => {
  const app = await buildTestApp(t, { env: { DYNAMODB_MAX_ATTEMPTS: '3' } })
  const alice = app.as('acme', 'alice')
  const lose = () =>
    failAttempts(clientOf(app), {
      operation: 'TransactWriteItems',
      attempts: 1,
      error: timeout,
      afterSend: true,
    })

  const lostCreate = lose()
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'Once', groupType: 'team' },
  })
  t.equal(created.statusCode, 201, 'the retry is recognised as the same transaction')
  t.equal(lostCreate.failed(), 1)
  const id = created.json().data.id
  await assertWrittenOnce(t, app, [id])

  lose()
  const updated = await alice({ method: 'PATCH', url: `/v2/groups/${id}`, payload: { name: 'Twice?' } })
  t.equal(updated.statusCode, 200)
  t.equal(updated.json().data.version, 2)
  const read = await alice({ method: 'GET', url: `/v2/groups/${id}` })
  t.match(read.json().data, { name: 'Twice?', version: 2 }, 'one update, one version')

  lose()
  const deleted = await alice({ method: 'DELETE', url: `/v2/groups/${id}` })
  t.equal(deleted.statusCode, 204)
  t.equal((await storedGroups(app, 'acme')).length, 0)
  const audit = await storedAudit(app, 'acme')
  t.same(audit.map((entry) => entry.action).sort(), ['create', 'delete', 'update'], 'one entry per change')
})

t.test('throttling that outlasts the retries answers 503 with Retry-After, never 500', async (t) => {
  const app = await buildTestApp(t, { env: { DYNAMODB_MAX_ATTEMPTS: '2' } })
  const alice = app.as('acme', 'alice')
  const created = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'Busy', groupType: 'team' },
  })
  failAttempts(app.data, { operation: 'Query', attempts: 2, error: throttling })
  const listed = await alice({ method: 'GET', url: '/v2/groups' })
  t.equal(listed.statusCode, 503)
  t.equal(listed.json().error.code, 'SERVICE_UNAVAILABLE')
  t.ok(Number(listed.headers['retry-after']) >= 1)

  failAttempts(app.data, { operation: 'Query', attempts: 1, error: throttling })
  const retried = await alice({ method: 'GET', url: '/v2/groups' })
  t.equal(retried.statusCode, 200, 'one throttle is absorbed by the SDK retry')
  t.equal(retried.json().data[0].id, created.json().data.id)

  failAttempts(clientOf(app), { operation: 'TransactWriteItems', attempts: 2, error: throttling })
  const refused = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'Later', groupType: 'team' },
  })
  t.equal(refused.statusCode, 503)
  t.equal((await storedGroups(app, 'acme')).length, 1, 'nothing half-written')
})
