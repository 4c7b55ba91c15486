// Faults during a run: throttling is retried, an item that fails otherwise is counted and listed by
// key (and migrated by the next run), and a run stopped by its signal resumes.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { formatRuns, migrationRuns, runMigration } from '../../../src/ops/migrate/index.js'
import { migrationTable } from '../../helpers/migration.js'
import { v1Item } from '../../helpers/versioned-group.js'

const groups = (count: number) =>
  Array.from({ length: count }, (_, n) =>
    v1Item({
      tenantId: 'acme',
      userId: 'alice',
      id: `F${String(n).padStart(3, '0')}`,
      name: `Club ${n}`,
      type: 'reading',
    }),
  )

/** Throws `error()` instead of sending the runner's write of an item while `when(pk)` says so. */
function failWrites(client: DynamoDBClient, when: (pk: string) => boolean, error: () => Error) {
  client.middlewareStack.add(
    (next) => async (args) => {
      const pk = (args.input as { Item?: Record<string, { S?: string }> }).Item?.pk?.S
      if (pk?.startsWith('tenant#') && when(pk)) throw error()
      return next(args)
    },
    { step: 'initialize', name: 'failWrites' },
  )
}

const sdkError = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } })

t.test('throttled writes are retried with backoff', async (t) => {
  const table = await migrationTable(t)
  await table.putRaw(groups(10))
  const refusals = new Map<string, number>()
  failWrites(
    table.client,
    (pk) => {
      const seen = refusals.get(pk) ?? 0
      refusals.set(pk, seen + 1)
      return seen < 2
    },
    () => sdkError('ProvisionedThroughputExceededException', 400),
  )
  const summary = await runMigration(table.options())
  t.match(summary.counts, { scanned: 10, migrated: 10, failed: 0 })
  t.ok(
    [...refusals.values()].every((count) => count === 3),
    'each write went through on its third try',
  )
})

t.test('a write whose answer was lost (the SDK retries and finds it done) counts as migrated', async (t) => {
  const table = await migrationTable(t)
  await table.putRaw(groups(10))
  // Applied by DynamoDB, then a timeout, inside the SDK's retry loop: its retry of the same
  // conditional put is refused, as the write it repeats is already there.
  let lost = 0
  table.client.middlewareStack.add(
    (next, context) => async (args) => {
      const pk = (args.input as { Item?: Record<string, { S?: string }> }).Item?.pk?.S
      if (context.commandName !== 'PutItemCommand' || !pk?.startsWith('tenant#') || lost >= 3)
        return next(args)
      lost++
      await next(args)
      throw sdkError('TimeoutError', 0)
    },
    { step: 'finalizeRequest', name: 'loseAnswers' },
  )
  const summary = await runMigration(table.options())
  t.equal(lost, 3)
  t.match(summary.counts, { scanned: 10, migrated: 10, current: 0, failed: 0 })
  t.match((await runMigration(table.options())).counts, { scanned: 10, migrated: 0, current: 10 })
})

t.test(
  'an item that fails for another reason is counted, listed by key, and migrated next time',
  async (t) => {
    const table = await migrationTable(t)
    const items = groups(10)
    await table.putRaw(items)
    const broken = String(items[3]?.pk)
    let failing = true
    failWrites(
      table.client,
      (pk) => failing && pk === broken,
      () => sdkError('ValidationException', 400),
    )
    const summary = await runMigration(table.options())
    t.match(summary.counts, { scanned: 10, migrated: 9, failed: 1 })
    t.match(summary.failures, [{ pk: broken, reason: /ValidationException/ }])
    const [run] = await migrationRuns(table.client, table.tableName)
    t.match(run, { status: 'done', counts: { failed: 1 }, failures: [{ pk: broken }] })
    t.match(formatRuns(run ? [run] : []).join('\n'), new RegExp(`failed: ${broken}`), '--status lists it')

    failing = false
    t.match((await runMigration(table.options())).counts, { migrated: 1, current: 9, failed: 0 })
  },
)

t.test('a run stopped by its signal finishes its pages, stays resumable, and resumes', async (t) => {
  const table = await migrationTable(t)
  await table.putRaw(groups(60))
  const controller = new AbortController()
  let writes = 0
  failWrites(
    table.client,
    () => {
      if (++writes === 5) controller.abort()
      return false
    },
    () => new Error('never'),
  )
  const stopped = await runMigration(table.options({ segments: 2, pageSize: 10, signal: controller.signal }))
  t.equal(stopped.status, 'stopped')
  t.ok(stopped.counts.migrated > 0 && stopped.counts.migrated < 60, `${stopped.counts.migrated} migrated`)
  const runs = await migrationRuns(table.client, table.tableName)
  t.match(runs[0], { status: 'running' })
  t.match(formatRuns(runs).join('\n'), /running \(no runner at work: started again, it resumes\)/)
  const resumed = await runMigration(table.options())
  t.match(resumed, { resumed: true, status: 'done', counts: { scanned: 60, migrated: 60 } })
  t.equal(resumed.attempt.migrated, 60 - stopped.counts.migrated)
})
