// An interrupted backup is finished from its checkpoints: every item once, as a fresh run would.
import t from 'tap'
import { openStore, readBackup, restoreBackup, writeBackup } from '../../../src/ops/backup/index.js'
import { putRaw, rawClient, rawItems, TEST_BATCH, tableContents, tempFolder } from '../../helpers/backup.js'
import { createTestTable } from '../../helpers/dynamodb.js'

t.test('a stopped backup resumed', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  await putRaw(client, tableName, [...rawItems('acme', 70), ...rawItems('globex', 50)])
  const dir = await tempFolder(t)
  const options = {
    client,
    tableName,
    segments: 3,
    pageSize: 5,
    partTextBytes: 3_000,
    kind: 'backup' as const,
  }

  const controller = new AbortController()
  let pages = 0
  let readBeforeStop = 0
  await t.rejects(
    writeBackup({
      ...options,
      target: openStore(dir),
      signal: controller.signal,
      onItems: (items) => {
        readBeforeStop += items
        if (++pages === 8) controller.abort()
      },
    }),
    { name: 'BackupError', message: /stopped: .* \(finish it with --resume\)/ },
  )
  t.ok(readBeforeStop > 0 && readBeforeStop < 120, 'it stopped part-way')

  await t.rejects(writeBackup({ ...options, segments: 4, target: openStore(dir), resume: true }), {
    name: 'BackupError',
    message: /interrupted backup with another segments/,
  })
  await t.rejects(writeBackup({ ...options, target: openStore(await tempFolder(t)), resume: true }), {
    name: 'BackupError',
    message: /holds no interrupted backup to resume/,
  })

  let readOnResume = 0
  const manifest = await writeBackup({
    ...options,
    target: openStore(dir),
    resume: true,
    onItems: (items) => {
      readOnResume += items
    },
  })
  t.equal(manifest.items, 120, 'every item, once')
  t.ok(readOnResume < 120, `the resumed run read only what was left (${readOnResume})`)
  t.same((await readBackup(openStore(dir))).counts, { raw_thing: 120 })

  const { tableName: restored } = await createTestTable(endpoint)
  await restoreBackup({
    client,
    tableName: restored,
    source: openStore(dir),
    mode: 'overwrite',
    batch: TEST_BATCH,
  })
  t.strictSame(await tableContents(client, restored), await tableContents(client, tableName))
})
