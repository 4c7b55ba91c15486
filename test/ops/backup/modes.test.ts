// Restore modes, and one tenant's items: backed up alone, or picked out of a full backup.
import { DeleteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { openStore, restoreBackup, writeBackup } from '../../../src/ops/backup/index.js'
import { putRaw, rawClient, rawItems, TEST_BATCH, tableContents, tempFolder } from '../../helpers/backup.js'
import { createTestTable } from '../../helpers/dynamodb.js'

t.test('restore modes and tenants', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  const acme = rawItems('acme', 10)
  // A tenant whose id starts with another's: its items are not the other's.
  const acme2 = rawItems('acme2', 4)
  const globex = rawItems('globex', 6)
  await putRaw(client, tableName, [...acme, ...acme2, ...globex])
  const folder = await tempFolder(t)
  const full = openStore(`${folder}/full`)
  await writeBackup({ client, tableName, target: full, segments: 2, kind: 'backup' })
  // As DynamoDB returns them (it stores 1.50 as 1.5): what a backup must give back unchanged.
  const acmeStored = (await tableContents(client, tableName)).filter((line) =>
    line.includes('"pk":{"S":"tenant#acme#'),
  )
  const restore = (
    target: string,
    options: { mode: 'missing-only' | 'overwrite'; tenantId?: string },
    source = full,
  ) => restoreBackup({ client, tableName: target, source, batch: TEST_BATCH, ...options })

  t.test('a tenant backup holds exactly that tenant’s items', async (t) => {
    const target = openStore(`${folder}/acme`)
    const manifest = await writeBackup({
      client,
      tableName,
      target,
      segments: 3,
      kind: 'tenant-export',
      filter: { tenantId: 'acme' },
    })
    t.equal(manifest.items, acme.length)
    t.same(manifest.filter, { tenantId: 'acme' })
    const { tableName: restored } = await createTestTable(endpoint)
    await restore(restored, { mode: 'overwrite' }, target)
    t.strictSame(await tableContents(client, restored), acmeStored)
    await t.rejects(restore(restored, { mode: 'overwrite', tenantId: 'globex' }, target), {
      name: 'BackupError',
      message: /holds tenant acme's items, not globex's/,
    })
  })

  t.test('--tenant restores only that tenant’s items from a full backup', async (t) => {
    const { tableName: restored } = await createTestTable(endpoint)
    const summary = await restore(restored, { mode: 'missing-only', tenantId: 'acme' })
    t.same(summary.counts, { raw_thing: { expected: 10, restored: 10, skipped: 0, failed: 0 } })
    t.strictSame(await tableContents(client, restored), acmeStored)
  })

  t.test('missing-only never replaces an item; overwrite does', async (t) => {
    const { tableName: restored } = await createTestTable(endpoint)
    await restore(restored, { mode: 'overwrite' })
    const original = await tableContents(client, restored)
    const keyOf = (n: number) => ({ pk: { S: `tenant#acme#raw#${n}` }, sk: { S: 'raw' } })
    const [changed, removed] = [keyOf(0), keyOf(1)]
    await client.send(
      new UpdateItemCommand({
        TableName: restored,
        Key: changed,
        UpdateExpression: 'SET price = :price',
        ExpressionAttributeValues: { ':price': { N: '99' } },
      }),
    )
    await client.send(new DeleteItemCommand({ TableName: restored, Key: removed }))
    const edited = await tableContents(client, restored)

    const missingOnly = await restore(restored, { mode: 'missing-only' })
    t.same(missingOnly.counts.raw_thing, { expected: 20, restored: 1, skipped: 19, failed: 0 })
    t.ok(missingOnly.reconciled)
    const afterMissingOnly = await tableContents(client, restored)
    t.ok(
      afterMissingOnly.some((line) => line.includes('"price":{"N":"99"}')),
      'the changed item kept its change',
    )
    t.strictSame(afterMissingOnly.length, original.length, 'the deleted item is back')
    t.notSame(afterMissingOnly, edited)

    const overwrite = await restore(restored, { mode: 'overwrite' })
    t.same(overwrite.counts.raw_thing, { expected: 20, restored: 20, skipped: 0, failed: 0 })
    t.strictSame(await tableContents(client, restored), original, 'overwrite puts the backup’s items back')
  })
})
