// A backup of a table that is being written to completes, and its manifest describes its parts.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { decodeItem, openStore, readBackup, writeBackup } from '../../../src/ops/backup/index.js'
import { putRaw, rawClient, rawItems, tempFolder } from '../../helpers/backup.js'
import { createTestTable } from '../../helpers/dynamodb.js'

t.test('a backup taken while writes continue', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  const existing = rawItems('acme', 300)
  await putRaw(client, tableName, existing)

  let writing = true
  let written = 0
  const writer = (async () => {
    for (let round = 0; writing; round++) {
      await putRaw(client, tableName, rawItems(`live${round}`, 25))
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: `tenant#acme#raw#${round % 300}` }, sk: { S: 'raw' } },
          UpdateExpression: 'SET price = :price',
          ExpressionAttributeValues: { ':price': { N: String(round) } },
        }),
      )
      written += 25
    }
  })()

  const dir = await tempFolder(t)
  const manifest = await writeBackup({
    client,
    tableName,
    target: openStore(dir),
    segments: 4,
    pageSize: 10,
    kind: 'backup',
  }).finally(() => {
    writing = false
  })
  await writer
  t.ok(written > 0, 'items were written while the backup ran')

  const keys = new Map<string, number>()
  let total = 0
  for (const part of manifest.parts) {
    const lines = gunzipSync(await readFile(join(dir, part.name)))
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
    t.equal(lines.length, part.items, `${part.name}: as many lines as the manifest says`)
    for (const line of lines) {
      const pk = decodeItem(line).pk?.S as string
      keys.set(pk, (keys.get(pk) ?? 0) + 1)
    }
    total += lines.length
  }
  t.equal(total, manifest.items, 'the parts hold the manifest’s item count')
  t.equal(manifest.counts.raw_thing, manifest.items)
  t.ok(
    existing.every((item) => keys.get(item.pk?.S as string) === 1),
    'every item there throughout the backup is in it exactly once',
  )
  t.ok(
    [...keys.values()].every((count) => count === 1),
    'no item twice',
  )
  const verified = await readBackup(openStore(dir))
  t.same(verified.counts, manifest.counts, 'and it verifies')
})
