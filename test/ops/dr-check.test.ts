import { spawnSync } from 'node:child_process'
import { BatchWriteItemCommand, DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { loadConfig } from '../../src/config/config.js'
import { createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { drCheck } from '../../src/ops/dr-check.js'
import type { WireItem } from '../../src/ops/parallel-scan.js'
import { createTestTable } from '../helpers/dynamodb.js'

const ITEMS = 120

function item(n: number): WireItem {
  const model = n % 3 === 0 ? 'user' : 'group'
  return {
    pk: { S: `tenant#t${n % 4}#${model}#${n}` },
    sk: { S: model },
    model_name: { S: model },
    name: { S: `item ${n}` },
    version: { N: String(n % 5) },
    tags: { SS: ['b', 'a', `t${n}`] },
    settings: { M: { visibility: { S: 'private' }, limits: { L: [{ N: '1' }, { BOOL: true }] } } },
  }
}

t.test('dr:check', async (t) => {
  const { endpoint, tableName: primary } = await createTestTable()
  const { tableName: replica } = await createTestTable(endpoint)
  const client = createDynamoDbClient(loadConfig({ DYNAMODB_ENDPOINT: endpoint }).dynamodb)
  t.teardown(() => client.destroy())
  for (const tableName of [primary, replica]) {
    for (let start = 0; start < ITEMS; start += 25) {
      const puts = Array.from({ length: Math.min(25, ITEMS - start) }, (_, offset) => ({
        PutRequest: { Item: item(start + offset) },
      }))
      await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: puts } }))
    }
  }
  const sides = { primary: { client, tableName: primary }, replica: { client, tableName: replica } }
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/dr-check.ts', ...args], {
      encoding: 'utf8',
      env: { ...process.env, DYNAMODB_ENDPOINT: endpoint },
    })

  t.test('two tables with the same items are the same, whatever order they were written in', async (t) => {
    const report = await drCheck({ ...sides, segments: 4, details: true })
    t.equal(report.same, true)
    t.equal(report.primary.items, ITEMS)
    t.strictSame(report.primary.counts, { group: 80, user: 40 })
    t.strictSame(report.segments, [])
    t.strictSame(report.keys, undefined, 'nothing is read again when nothing differs')
    const script = run(['--primary', primary, '--replica', replica, '--segments', '4'])
    t.equal(script.status, 0, script.stderr)
    t.match(script.stdout, /the tables hold the same items/)
  })

  t.test(
    'a changed attribute, a missing item and an extra item are found, by model, segment and key',
    async (t) => {
      const changed = { ...item(1), name: { S: 'renamed' } }
      await client.send(new PutItemCommand({ TableName: replica, Item: changed }))
      await client.send(
        new DeleteItemCommand({
          TableName: replica,
          Key: { pk: { S: 'tenant#t3#user#3' }, sk: { S: 'user' } },
        }),
      )
      const extra = { ...item(ITEMS + 1), pk: { S: 'tenant#t9#group#extra' } }
      await client.send(new PutItemCommand({ TableName: replica, Item: extra }))

      const report = await drCheck({ ...sides, segments: 4, details: true })
      t.equal(report.same, false)
      t.strictSame(report.models, [
        { model: 'group', primary: 80, replica: 81 },
        { model: 'user', primary: 40, replica: 39 },
      ])
      t.ok(
        report.segments.length >= 1 && report.segments.length <= 3,
        'only the segments that hold a difference',
      )
      const keys = (report.keys ?? []).map(({ key, difference }) => `${difference} ${key}`).sort()
      t.strictSame(keys, [
        'changed tenant#t1#group#1 | group',
        'extra tenant#t9#group#extra | group',
        'missing tenant#t3#user#3 | user',
      ])
      for (const { segment } of report.keys ?? []) t.ok(report.segments.includes(segment))

      const script = run([
        '--primary',
        primary,
        '--replica',
        `${replica}@us-east-1`,
        '--segments',
        '4',
        '--details',
      ])
      t.equal(script.status, 1, 'exits 1 when the tables differ')
      t.match(script.stdout, /model group: 80 in the primary, 81 in the replica/)
      t.match(script.stdout, /model user: 40 in the primary, 39 in the replica/)
      t.match(script.stdout, /segment \d+ differs/)
      t.match(script.stdout, /tenant#t3#user#3 \| user is missing from the replica/)
      t.match(script.stdout, /tenant#t9#group#extra \| group is only in the replica/)
      t.match(script.stdout, /tenant#t1#group#1 \| group differs/)
      t.match(script.stdout, /the tables differ/)
    },
  )

  t.test('a changed attribute alone, with the counts equal, is still found', async (t) => {
    await client.send(new PutItemCommand({ TableName: replica, Item: item(1) }))
    await client.send(new PutItemCommand({ TableName: replica, Item: item(3) }))
    await client.send(
      new DeleteItemCommand({
        TableName: replica,
        Key: { pk: { S: 'tenant#t9#group#extra' }, sk: { S: 'group' } },
      }),
    )
    t.equal((await drCheck({ ...sides, segments: 3 })).same, true, 'repaired')
    await client.send(
      new PutItemCommand({ TableName: replica, Item: { ...item(7), tags: { SS: ['a', 'b'] } } }),
    )
    const report = await drCheck({ ...sides, segments: 3 })
    t.strictSame(report.models, [])
    t.equal(report.segments.length, 1)
    t.equal(report.same, false)
  })

  t.test('bad arguments are refused before anything is read', async (t) => {
    const noReplica = run(['--primary', primary])
    t.not(noReplica.status, 0)
    t.match(noReplica.stderr, /--replica/)
    const badRegion = run(['--primary', primary, '--replica', `${replica}@Mars`])
    t.not(badRegion.status, 0)
    t.match(badRegion.stderr, /table>@<region>/)
    const badSegments = run(['--primary', primary, '--replica', replica, '--segments', '0'])
    t.match(badSegments.stderr, /--segments must be a whole number/)
    const missing = run(['--primary', primary, '--replica', 'no-such-table'])
    t.equal(missing.status, 2)
    t.match(missing.stderr, /dr:check failed/)
  })
})
