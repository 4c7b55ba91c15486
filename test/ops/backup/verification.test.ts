// A damaged, incomplete or edited backup is refused before anything is written.
import { cp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import {
  BackupError,
  MANIFEST_NAME,
  openStore,
  restoreBackup,
  writeBackup,
} from '../../../src/ops/backup/index.js'
import { putRaw, rawClient, rawItems, TEST_BATCH, tableContents, tempFolder } from '../../helpers/backup.js'
import { createTestTable } from '../../helpers/dynamodb.js'

t.test('restore refuses a backup that is not what its manifest says', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  await putRaw(client, tableName, rawItems('acme', 80))
  const folder = await tempFolder(t)
  const good = join(folder, 'good')
  const manifest = await writeBackup({
    client,
    tableName,
    target: openStore(good),
    segments: 2,
    kind: 'backup',
  })
  const [first, second] = manifest.parts
  if (!first || !second) throw new Error('expected two parts')

  // The target already holds one item of its own, which must stay as it is.
  const { tableName: target } = await createTestTable(endpoint)
  await putRaw(client, target, rawItems('other', 1))
  const untouched = await tableContents(client, target)

  const damaged = async (name: string, damage: (dir: string) => Promise<void>, message: RegExp) => {
    const dir = join(folder, name)
    await cp(good, dir, { recursive: true })
    await damage(dir)
    await t.rejects(
      restoreBackup({
        client,
        tableName: target,
        source: openStore(dir),
        mode: 'overwrite',
        batch: TEST_BATCH,
      }),
      { name: 'BackupError', message },
      name,
    )
    t.same(await tableContents(client, target), untouched, `${name}: nothing was written`)
  }

  await damaged(
    'a flipped byte',
    async (dir) => {
      const path = join(dir, second.name)
      const bytes = await readFile(path)
      const at = Math.floor(bytes.length / 2)
      bytes.writeUInt8(bytes.readUInt8(at) ^ 0x01, at)
      await writeFile(path, bytes)
    },
    /segment-0001-0000\.ndjson\.gz (does not match its sha256|is damaged)/,
  )
  await damaged(
    'a truncated gzip',
    (dir) => truncate(join(dir, second.name), second.bytes - 20),
    /segment-0001-0000\.ndjson\.gz (is damaged or truncated|does not match)/,
  )
  await damaged(
    'a missing part',
    (dir) => rm(join(dir, first.name)),
    /segment-0000-0000\.ndjson\.gz is missing/,
  )
  await damaged(
    'an edited manifest',
    async (dir) => {
      const path = join(dir, MANIFEST_NAME)
      const edited = JSON.parse(await readFile(path, 'utf8'))
      edited.parts[0].items -= 1
      edited.items -= 1
      edited.counts.raw_thing -= 1
      await writeFile(path, JSON.stringify(edited))
    },
    /manifest was changed after it was written/,
  )
  await damaged(
    'no manifest',
    (dir) => rm(join(dir, MANIFEST_NAME)),
    /no manifest\.json: it is not a complete backup/,
  )
  await damaged(
    'a manifest that is no JSON',
    (dir) => writeFile(join(dir, MANIFEST_NAME), '{"format":'),
    /not valid JSON/,
  )

  t.test('the restore of the undamaged backup writes it', async (t) => {
    const summary = await restoreBackup({
      client,
      tableName: target,
      source: openStore(good),
      mode: 'overwrite',
      batch: TEST_BATCH,
    })
    t.same(summary.counts.raw_thing, { expected: 80, restored: 80, skipped: 0, failed: 0 })
  })
})

t.test('a stopped backup leaves no manifest, and restore refuses it', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  await putRaw(client, tableName, rawItems('acme', 60))
  const dir = await tempFolder(t)
  const controller = new AbortController()
  let pages = 0
  await t.rejects(
    writeBackup({
      client,
      tableName,
      target: openStore(dir),
      segments: 1,
      pageSize: 10,
      kind: 'backup',
      signal: controller.signal,
      onItems: () => {
        if (++pages === 2) controller.abort()
      },
    }),
    { name: 'BackupError', message: /stopped: .* holds parts but no manifest/ },
  )
  await t.rejects(readFile(join(dir, MANIFEST_NAME)), { code: 'ENOENT' })
  const { tableName: target } = await createTestTable(endpoint)
  await t.rejects(
    restoreBackup({
      client,
      tableName: target,
      source: openStore(dir),
      mode: 'overwrite',
      batch: TEST_BATCH,
    }),
    BackupError,
  )
  t.same(await tableContents(client, target), [])
})

t.test('a backup will not write over a complete one', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  const dir = await tempFolder(t)
  await writeBackup({ client, tableName, target: openStore(dir), segments: 1, kind: 'backup' })
  await t.rejects(writeBackup({ client, tableName, target: openStore(dir), segments: 1, kind: 'backup' }), {
    name: 'BackupError',
    message: /already holds a complete backup/,
  })
})
