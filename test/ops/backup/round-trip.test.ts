// Every model through a backup and back, to a folder and through a local S3 server: the restored
// items are the items that were backed up, and the API serves them.
import { DeleteTableCommand, waitUntilTableNotExists } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { MODEL_NAMES } from '../../../src/ops/backup/commands.js'
import { type BackupStore, openStore, restoreBackup, writeBackup } from '../../../src/ops/backup/index.js'
import { buildTestApp } from '../../helpers/app.js'
import { rawClient, TEST_BATCH, tableContents, tempFolder } from '../../helpers/backup.js'
import { GROUPS_PER_TENANT, seedEveryModel } from '../../helpers/backup-seed.js'
import { startS3Server } from '../../helpers/s3-server.js'

t.test('a table of every model is backed up, dropped and restored unchanged', async (t) => {
  const seeded = await buildTestApp(t)
  const { tableName } = seeded
  const endpoint = seeded.config.dynamodb.endpoint as string
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  await seedEveryModel(seeded, client)
  const before = await tableContents(client, tableName)
  const models = new Set(before.map((line) => JSON.parse(line).model_name?.S))
  for (const model of MODEL_NAMES.filter((name) => name !== 'idempotency_response_part'))
    t.ok(models.has(model), `the table holds ${model} items`)

  const s3 = await startS3Server(t)
  const bucket = await s3.bucket('tessera-backups')
  const stores: [string, BackupStore][] = [
    ['a folder', openStore(await tempFolder(t))],
    ['S3', openStore(`s3://${bucket}/nightly/2026-12-01`, { s3: s3.client })],
  ]

  for (const [where, store] of stores) {
    await t.test(`through ${where}`, async (t) => {
      const manifest = await writeBackup({ client, tableName, target: store, segments: 3, kind: 'backup' })
      t.equal(manifest.items, before.length)

      await client.send(new DeleteTableCommand({ TableName: tableName }))
      await waitUntilTableNotExists({ client, maxWaitTime: 60 }, { TableName: tableName })
      const summary = await restoreBackup({
        client,
        tableName,
        source: store,
        mode: 'missing-only',
        batch: TEST_BATCH,
      })
      t.equal(summary.table, 'created', 'the dropped table is created again from the models')
      t.ok(summary.reconciled)
      t.same(summary.failures, [])
      t.strictSame(await tableContents(client, tableName), before, 'every item, attribute for attribute')

      // A new app on the restored table: nothing comes from the first app's caches. It meters
      // nothing: its usage, flushed when it closes, would be in the table the next store backs up.
      const app = await buildTestApp(t, { env: { APP_TABLE_NAME: tableName, USAGE_FLUSH_SECONDS: '0' } })
      const admin = app.as('acme', 'alice', ['tenant_admin'])
      const bob = await admin({ method: 'GET', url: '/v2/users/bob' })
      t.equal(bob.statusCode, 200)
      t.match(bob.json().data, { email: 'bob@acme.example', phone: '+15550100' }, 'encrypted fields decrypt')
      const byEmail = await admin({ method: 'GET', url: '/v2/users?email=BOB@acme.example' })
      t.equal(byEmail.json().data.length, 1, 'the blind index finds the user')
      const replay = await admin({
        method: 'POST',
        url: '/v2/users',
        headers: { 'idempotency-key': 'create-bob' },
        payload: { id: 'bob', email: 'bob@acme.example', name: 'bob', phone: '+15550100' },
      })
      t.equal(replay.statusCode, 201, 'the idempotency record replays its response')

      const first = await admin({ method: 'GET', url: '/v2/groups?limit=3' })
      t.equal(first.statusCode, 200)
      const cursor = first.json().page.nextCursor
      t.type(cursor, 'string', 'a first page with a cursor')
      const second = await admin({
        method: 'GET',
        url: `/v2/groups?limit=3&cursor=${encodeURIComponent(cursor)}`,
      })
      t.equal(second.statusCode, 200)
      const listed = [...first.json().data, ...second.json().data]
      t.equal(listed.length, GROUPS_PER_TENANT, 'both pages: every live group, none deleted')
      const audit = await admin({ method: 'GET', url: '/v2/audit?entityType=user&entityId=bob' })
      t.equal(audit.statusCode, 200)
      t.ok(audit.json().data.length >= 1, 'the audit log is there')
      const globex = app.as('globex', 'alice', ['tenant_admin'])
      t.equal(
        (await globex({ method: 'GET', url: '/v2/users/carol' })).json().data.email,
        'carol@globex.example',
      )
    })
  }
})
