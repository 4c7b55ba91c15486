import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { openStore, writeBackup } from '../../../src/ops/backup/index.js'
import { purgeTenant } from '../../../src/ops/lifecycle/tenant-purge.js'
import { putRaw, rawClient, rawItems, tableContents, tempFolder } from '../../helpers/backup.js'
import { createTestTable } from '../../helpers/dynamodb.js'

t.test('what is written while the purge waits for the instances is kept, and reported', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  await putRaw(client, tableName, [...rawItems('acme', 30), ...rawItems('globex', 10)])
  const globex = (await tableContents(client, tableName)).filter((line) => line.includes('tenant#globex#'))
  const dir = await tempFolder(t)
  await writeBackup({
    client,
    tableName,
    target: openStore(dir),
    segments: 2,
    kind: 'tenant-export',
    filter: { tenantId: 'acme' },
  })

  const record = { pk: { S: 'tenant#acme#profile' }, sk: { S: 'tenant' } }
  const purging = purgeTenant({
    client,
    tableName,
    tenantId: 'acme',
    confirm: 'acme',
    source: openStore(dir),
    actor: 'test-operator',
    segments: 2,
    concurrency: 4,
    settleMs: 3_000,
  })
  // An instance that has not yet seen the status admits a write during the wait.
  for (;;) {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: record, ConsistentRead: true }),
    )
    if (Item?.status?.S === 'offboarded') break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const [fresh, changed] = rawItems('acme', 6).slice(4)
  await client.send(
    new PutItemCommand({ TableName: tableName, Item: { ...fresh, pk: { S: 'tenant#acme#raw#late' } } }),
  )
  await client.send(new PutItemCommand({ TableName: tableName, Item: { ...changed, price: { N: '9.99' } } }))
  const summary = await purging

  t.strictSame(summary.writtenSince, ['tenant#acme#raw#late | raw'])
  t.strictSame(summary.counts.raw_thing, { exported: 30, deleted: 29, kept: 1, gone: 0, offboarded: 0 })
  t.ok(summary.reconciled)
  const left = (await tableContents(client, tableName)).filter((line) => line.includes('tenant#acme#'))
  t.equal(left.length, 3, 'the late item, the changed one and the record')
  t.ok(left.some((line) => line.includes('"pk":{"S":"tenant#acme#raw#5"}') && line.includes('9.99')))
  const tombstone = left.find((line) => line.includes('"pk":{"S":"tenant#acme#profile"}')) ?? ''
  t.match(tombstone, /"status":\{"S":"offboarded"\}/, 'a tenant without a record gets one, offboarded')
  t.match(tombstone, /"gsi1_pk":\{"S":"platform#tenants"\}/, "and is in the platform's list of tenants")
  t.strictSame(
    (await tableContents(client, tableName)).filter((line) => line.includes('tenant#globex#')),
    globex,
    "another tenant's items are untouched",
  )
})
