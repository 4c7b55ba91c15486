import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import t from 'tap'
import { openStore, readBackup, restoreBackup, writeBackup } from '../../../src/ops/backup/index.js'
import { putRaw, rawClient, rawItems, TEST_BATCH, tableContents, tempFolder } from '../../helpers/backup.js'
import { createTestTable } from '../../helpers/dynamodb.js'

t.test('a backup to a folder and its restore', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  await putRaw(client, tableName, [...rawItems('acme', 60), ...rawItems('globex', 40)])
  const before = await tableContents(client, tableName)
  const dir = await tempFolder(t)
  const target = openStore(dir)

  const manifest = await writeBackup({ client, tableName, target, segments: 3, kind: 'backup', pageSize: 7 })
  t.equal(manifest.items, 100)
  t.same(manifest.counts, { raw_thing: 100 })
  let lines = 0
  for (const part of manifest.parts) {
    const text = gunzipSync(await readFile(join(dir, part.name))).toString('utf8')
    const count = text.split('\n').filter(Boolean).length
    t.equal(count, part.items, `${part.name} holds as many lines as the manifest says`)
    lines += count
  }
  t.equal(lines, 100)

  const verified = await readBackup(target)
  t.same(verified.counts, { raw_thing: 100 })

  const { tableName: emptyTable } = await createTestTable(endpoint)
  const summary = await restoreBackup({
    client,
    tableName: emptyTable,
    source: target,
    mode: 'overwrite',
    batch: TEST_BATCH,
  })
  t.ok(summary.reconciled)
  t.same(summary.counts.raw_thing, { expected: 100, restored: 100, skipped: 0, failed: 0 })
  t.same(await tableContents(client, emptyTable), before, 'every item is restored exactly')
})

t.test('parts roll at a size bound; afterPart gets each part once it is stored', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  await putRaw(client, tableName, rawItems('acme', 50))
  const dir = await tempFolder(t)
  const handed: { name: string; items: number; stored: number }[] = []
  const manifest = await writeBackup({
    client,
    tableName,
    target: openStore(dir),
    segments: 2,
    pageSize: 5,
    partTextBytes: 4_000,
    kind: 'archive',
    afterPart: async (items, part) => {
      handed.push({ name: part.name, items: items.length, stored: (await stat(join(dir, part.name))).size })
      t.equal(part.items, items.length, `${part.name}: its items`)
    },
  })
  t.ok(manifest.parts.length > 2, 'more than one part per segment')
  t.ok(
    manifest.parts.some((part) => part.name.endsWith('-0001.ndjson.gz')),
    'a segment’s second part',
  )
  t.same(
    handed.map(({ name }) => name).sort(),
    manifest.parts.map((part) => part.name),
    'afterPart saw every part of the manifest',
  )
  for (const { name, stored } of handed)
    t.equal(stored, manifest.parts.find((part) => part.name === name)?.bytes, `${name} was whole on disk`)
  t.equal(manifest.kind, 'archive')
  t.equal(manifest.items, 50)
})
