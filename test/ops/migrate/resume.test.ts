// A changed item is never overwritten (the write's condition fails, the item is read again and
// migrated from the fresh copy), and a run that dies between its writes and its checkpoint counts
// every item it migrated exactly once when resumed.
import { DeleteItemCommand, type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import t from 'tap'
import { fromItem, toItem } from '../../../src/models/index.js'
import { migrationRuns, runMigration } from '../../../src/ops/migrate/index.js'
import { migrationTable } from '../../helpers/migration.js'
import { VersionedGroup, v1Item } from '../../helpers/versioned-group.js'

const group = (id: string, name = `Club ${id}`) =>
  v1Item({ tenantId: 'acme', userId: 'alice', id, name, type: 'reading', badge: 'book #00ff00' })

/** Runs `before` once, just before the runner's first write of the item at `pk`. */
function beforeFirstWrite(client: DynamoDBClient, actions: Map<string, () => Promise<unknown>>) {
  client.middlewareStack.add(
    (next) => async (args) => {
      const pk = (args.input as { Item?: Record<string, { S?: string }> }).Item?.pk?.S
      const action = pk === undefined ? undefined : actions.get(pk)
      if (action) {
        actions.delete(pk as string)
        await action()
      }
      return next(args)
    },
    { step: 'initialize', name: 'beforeFirstWrite' },
  )
}

t.test('a failed condition re-reads the item and migrates the fresh copy, or leaves it', async (t) => {
  const table = await migrationTable(t)
  const other = await migrationTable(t, table) // the API's writes, on a client of their own
  const [patched, deleted, removed, untouched] = ['P1', 'D1', 'R1', 'U1'].map((id) => group(id)) as [
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
  ]
  await table.putRaw([patched, deleted, removed, untouched])
  const keyOf = (item: Record<string, unknown>) => ({
    pk: { S: String(item.pk) },
    sk: { S: String(item.sk) },
  })
  beforeFirstWrite(
    table.client,
    new Map<string, () => Promise<unknown>>([
      [
        // A PATCH through the API: the current shape, version + 1.
        String(patched.pk),
        () => {
          const model = fromItem(VersionedGroup, patched)
          Object.assign(model, { name: 'Patched', version: 2, updatedUtc: '2025-01-01T00:00:00.000Z' })
          return other.document.send(new PutCommand({ TableName: table.tableName, Item: toItem(model) }))
        },
      ],
      [
        // A soft delete: bookkeeping only, so the item is still of version 1.
        String(deleted.pk),
        () =>
          other.client.send(
            new UpdateItemCommand({
              TableName: table.tableName,
              Key: keyOf(deleted),
              UpdateExpression:
                'SET deleted_utc = :now, expires_at = :ttl, version = :two REMOVE gsi1_pk, gsi1_sk, gsi2_pk, gsi2_sk, gsi3_pk, gsi3_sk',
              ExpressionAttributeValues: {
                ':now': { S: '2025-01-01T00:00:00.000Z' },
                ':ttl': { N: '1900000000' },
                ':two': { N: '2' },
              },
            }),
          ),
      ],
      [
        String(removed.pk),
        () => other.client.send(new DeleteItemCommand({ TableName: table.tableName, Key: keyOf(removed) })),
      ],
    ]),
  )

  const summary = await runMigration(table.options({ segments: 1 }))
  t.match(summary.counts, { scanned: 4, migrated: 2, current: 1, gone: 1, failed: 0, conflicts: 3 })
  const stored = await table.stored()
  t.match(
    stored.get(`${patched.pk} ${patched.sk}`),
    { name: 'Patched', version: 2, model_version: 3 },
    "the API's change is kept, not overwritten by the migration",
  )
  const deletedNow = stored.get(`${deleted.pk} ${deleted.sk}`) as Record<string, unknown>
  t.match(deletedNow, {
    model_version: 3,
    group_type: 'reading',
    version: 2,
    deleted_utc: '2025-01-01T00:00:00.000Z',
    expires_at: 1_900_000_000,
  })
  t.notOk(
    Object.keys(deletedNow).some((name) => name.startsWith('gsi')),
    'migrated from the deleted copy',
  )
  t.notOk(stored.has(`${removed.pk} ${removed.sk}`), 'a deleted item is not put back')
  t.match(stored.get(`${untouched.pk} ${untouched.sk}`), { model_version: 3, version: 1 })
})

t.test(
  'an item that never had a version or model_version is migrated, and one written meanwhile is not',
  async (t) => {
    const table = await migrationTable(t)
    const other = await migrationTable(t, table)
    const bare = (id: string) => {
      const { version: _, model_version: __, ...item } = group(id)
      return item
    }
    const [untouched, raced] = [bare('N1'), bare('N2')] as [Record<string, unknown>, Record<string, unknown>]
    await table.putRaw([untouched, raced])
    beforeFirstWrite(
      table.client,
      new Map([
        // Another writer stamps a version first: the runner's condition (no version yet) must fail.
        [
          String(raced.pk),
          () =>
            other.document.send(
              new PutCommand({ TableName: table.tableName, Item: { ...raced, version: 1 } }),
            ),
        ],
      ]),
    )
    const summary = await runMigration(table.options())
    t.match(summary.counts, { scanned: 2, migrated: 2, conflicts: 1 })
    const stored = await table.stored()
    t.match(stored.get(`${untouched.pk} ${untouched.sk}`), { model_version: 3, group_type: 'reading' })
    t.equal(
      stored.get(`${untouched.pk} ${untouched.sk}`)?.version,
      0,
      'the version the API showed it at (the model’s default)',
    )
    t.match(
      stored.get(`${raced.pk} ${raced.sk}`),
      { model_version: 3, version: 1 },
      'migrated from the fresh copy',
    )
  },
)

t.test(
  'a run that dies between its writes and its checkpoint resumes and counts each item once',
  async (t) => {
    const table = await migrationTable(t)
    const items = Array.from({ length: 30 }, (_, n) => group(`I${String(n).padStart(2, '0')}`))
    await table.putRaw(items)
    // The first attempt dies at its fourth record write: the checkpoint after its second page, whose
    // items it had written.
    let recordWrites = 0
    let writing = 'first attempt'
    const writes = { 'first attempt': 0, resumed: 0 }
    table.client.middlewareStack.add(
      (next) => async (args) => {
        const pk = (args.input as { Item?: Record<string, { S?: string }> }).Item?.pk?.S
        if (pk?.startsWith('migration#run#') && ++recordWrites === 4) throw new Error('the process died here')
        const result = await next(args)
        if (pk?.startsWith('tenant#')) writes[writing as keyof typeof writes]++
        return result
      },
      { step: 'initialize', name: 'dies' },
    )
    await t.rejects(runMigration(table.options({ segments: 1, pageSize: 10 })), {
      message: 'the process died here',
    })
    const [killed] = await migrationRuns(table.client, table.tableName)
    const recorded = killed?.counts.migrated ?? 0
    t.match(killed, { status: 'running' })
    t.ok(recorded > 0 && writes['first attempt'] > recorded, 'it wrote more than its record holds')

    writing = 'resumed'
    recordWrites = -1_000
    const lines: string[] = []
    const summary = await runMigration(
      table.options({ segments: 1, pageSize: 10, print: (line) => lines.push(line) }),
    )
    t.equal(summary.resumed, true)
    t.match(lines.join('\n'), /resuming migration run/)
    t.equal(summary.runId, killed?.runId)
    t.equal(recorded + summary.attempt.migrated, items.length, 'the attempts add up')
    t.equal(
      writes.resumed,
      items.length - writes['first attempt'],
      'the resumed attempt wrote only what the first had not',
    )
    t.match(summary.counts, { scanned: 30, migrated: 30, current: 0 })
    const [done] = await migrationRuns(table.client, table.tableName)
    t.match(done, { status: 'done', attempts: 2, counts: { migrated: 30 } })
    for (const item of (await table.stored()).values()) t.equal(item.model_version, 3)
  },
)

t.test('killed twice in the same page, the third attempt still counts every item once', async (t) => {
  const table = await migrationTable(t)
  const items = Array.from({ length: 30 }, (_, n) => group(`T${String(n).padStart(2, '0')}`))
  await table.putRaw(items)
  // Each attempt "dies" (an error that stops a run) at the item write given: mid-way through the
  // second page for the first attempt, and again in that page for the second.
  let dieAt = 14
  let itemWrites = 0
  table.client.middlewareStack.add(
    (next) => async (args) => {
      const pk = (args.input as { Item?: Record<string, { S?: string }> }).Item?.pk?.S
      if (pk?.startsWith('tenant#') && ++itemWrites === dieAt)
        throw Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' })
      return next(args)
    },
    { step: 'initialize', name: 'dies' },
  )
  const options = table.options({ segments: 1, pageSize: 10, concurrency: 1 })
  await t.rejects(runMigration(options), { name: 'ResourceNotFoundException' })
  const first = (await migrationRuns(table.client, table.tableName))[0]?.counts.migrated ?? 0
  dieAt = itemWrites + 3
  await t.rejects(runMigration(options), { name: 'ResourceNotFoundException' })
  const second = ((await migrationRuns(table.client, table.tableName))[0]?.counts.migrated ?? 0) - first
  dieAt = 0
  const third = await runMigration(options)
  t.equal(third.resumed, true)
  t.equal(first + second + third.attempt.migrated, items.length, 'the attempts add up')
  t.match(third.counts, { scanned: 30, migrated: 30, current: 0, failed: 0 })
})

t.test('resumed with smaller pages than the attempt that died, it still counts each item once', async (t) => {
  const table = await migrationTable(t)
  const items = Array.from({ length: 30 }, (_, n) => group(`S${String(n).padStart(2, '0')}`))
  await table.putRaw(items)
  let recordWrites = 0
  table.client.middlewareStack.add(
    (next) => async (args) => {
      const pk = (args.input as { Item?: Record<string, { S?: string }> }).Item?.pk?.S
      // The checkpoint after the second page, whose items were written.
      if (pk?.startsWith('migration#run#') && ++recordWrites === 4) throw new Error('the process died here')
      return next(args)
    },
    { step: 'initialize', name: 'dies' },
  )
  await t.rejects(runMigration(table.options({ segments: 1, pageSize: 10 })), {
    message: 'the process died here',
  })
  const recorded = (await migrationRuns(table.client, table.tableName))[0]?.counts.migrated ?? 0
  const summary = await runMigration(table.options({ segments: 1, pageSize: 3 }))
  t.equal(recorded + summary.attempt.migrated, items.length, 'the attempts add up')
  t.match(summary.counts, { scanned: 30, migrated: 30, current: 0 })
})
