import t from 'tap'
import { MODEL_NAMES } from '../../../src/ops/backup/commands.js'
import { openStore, restoreBackup } from '../../../src/ops/backup/index.js'
import { archive, archiveRefusal } from '../../../src/ops/lifecycle/archive.js'
import { buildTestApp } from '../../helpers/app.js'
import { rawClient, TEST_BATCH, tableContents, tempFolder } from '../../helpers/backup.js'
import { runScript } from '../../helpers/script-run.js'

const GROUP = { groupType: 'team', privacySettings: { visibility: 'tenant' } }

t.test('archive', async (t) => {
  const app = await buildTestApp(t)
  const client = rawClient(app.config.dynamodb.endpoint as string)
  t.teardown(() => client.destroy())
  const alice = app.as('acme', 'alice', ['tenant_admin'])
  const gary = app.as('globex', 'gary', ['tenant_admin'])
  const create = async (as: typeof alice, name: string) => {
    const response = await as({ method: 'POST', url: '/v2/groups', payload: { ...GROUP, name } })
    t.equal(response.statusCode, 201)
    return response.json().data.id as string
  }
  const [one, two, three] = [
    await create(alice, 'one'),
    await create(alice, 'two'),
    await create(alice, 'three'),
  ]
  const theirs = await create(gary, 'theirs')
  t.equal((await alice({ method: 'DELETE', url: `/v2/groups/${three}` })).statusCode, 204)
  await new Promise((resolve) => setTimeout(resolve, 5))
  const cutoff = new Date().toISOString()
  const base = { client, tableName: app.tableName, segments: 3, knownModels: MODEL_NAMES, concurrency: 4 }
  const groupRows = async () =>
    (await tableContents(client, app.tableName)).filter((line) => line.includes('"model_name":{"S":"group"}'))

  t.test('what may be archived', async (t) => {
    const now = new Date()
    t.match(archiveRefusal({ before: cutoff }, now), /needs --model/)
    t.match(archiveRefusal({ before: cutoff, model: 'user' }, now), /live user items are not archived/)
    t.match(archiveRefusal({ before: cutoff, model: 'tenant' }, now), /live tenant items are not archived/)
    t.match(archiveRefusal({ before: 'yesterday' }, now), /is no date/)
    t.match(archiveRefusal({ before: '2999-01-01', model: 'group' }, now), /in the future/)
    t.equal(archiveRefusal({ before: cutoff, model: 'group' }, now), undefined)
    t.equal(archiveRefusal({ before: cutoff, model: 'audit_entry' }, now), undefined)
    t.equal(
      archiveRefusal({ before: cutoff, deletedOnly: true }, now),
      undefined,
      'deleted items of any model',
    )
    const refused = await runScript(
      'archive',
      ['--before', cutoff, '--model', 'user', '--to', '/tmp/never'],
      {
        ...process.env,
        DYNAMODB_ENDPOINT: app.config.dynamodb.endpoint,
        APP_TABLE_NAME: app.tableName,
      },
    )
    t.equal(refused.status, 1)
    t.match(refused.stderr, /refused: live user items are not archived/)
  })

  t.test('soft-deleted items are archived and deleted; restore brings them back exactly', async (t) => {
    const before = await groupRows()
    const dir = await tempFolder(t)
    const summary = await archive({ ...base, target: openStore(dir), before: cutoff, deletedOnly: true })
    t.equal(summary.manifest.kind, 'archive')
    t.strictSame(summary.manifest.counts, { group: 1 })
    t.strictSame(summary.counts.group, { archived: 1, deleted: 1, changed: 0, gone: 0 })
    t.ok(summary.reconciled)
    const after = await groupRows()
    t.equal(after.length, 3)
    t.notOk(
      after.some((line) => line.includes(three)),
      'the deleted group is gone from the table',
    )

    const restored = await restoreBackup({
      client,
      tableName: app.tableName,
      source: openStore(dir),
      mode: 'missing-only',
      batch: TEST_BATCH,
    })
    t.ok(restored.reconciled)
    t.strictSame(await groupRows(), before, 'the archived item is back, byte for byte')
  })

  t.test('an item changed after it was archived is kept; the rest are deleted', async (t) => {
    const dir = await tempFolder(t)
    let patched = 0
    const summary = await archive({
      ...base,
      target: openStore(dir),
      before: cutoff,
      model: 'group',
      tenantId: 'acme',
      onArchiveWritten: async () => {
        const response = await alice({
          method: 'PATCH',
          url: `/v2/groups/${two}`,
          payload: { description: 'changed after the archive was written' },
        })
        patched = response.statusCode
      },
    })
    t.equal(patched, 200)
    t.strictSame(summary.manifest.counts, { group: 3 }, "acme's three groups, the deleted one too")
    t.strictSame(summary.counts.group, { archived: 3, deleted: 2, changed: 1, gone: 0 })
    t.ok(summary.reconciled)
    const read = await alice({ method: 'GET', url: `/v2/groups/${two}` })
    t.equal(read.statusCode, 200, 'the changed group stays')
    t.equal(read.json().data.description, 'changed after the archive was written')
    t.equal(
      (await alice({ method: 'GET', url: `/v2/groups/${one}` })).statusCode,
      404,
      'the unchanged one went',
    )
    t.equal(
      (await gary({ method: 'GET', url: `/v2/groups/${theirs}` })).statusCode,
      200,
      "another tenant's stays",
    )

    const restored = await restoreBackup({
      client,
      tableName: app.tableName,
      source: openStore(dir),
      mode: 'missing-only',
      batch: TEST_BATCH,
    })
    t.strictSame(restored.counts.group, { expected: 3, restored: 2, skipped: 1, failed: 0 })
    t.equal((await alice({ method: 'GET', url: `/v2/groups/${one}` })).statusCode, 200, 'restored')
    const kept = await alice({ method: 'GET', url: `/v2/groups/${two}` })
    t.equal(
      kept.json().data.description,
      'changed after the archive was written',
      'missing-only kept the newer one',
    )
  })

  t.test('a run stopped while writing deletes nothing, and --resume goes on with it', async (t) => {
    const dir = await tempFolder(t)
    const stop = new AbortController()
    const selection = { before: cutoff, model: 'group', tenantId: 'globex' }
    await t.rejects(
      archive({
        ...base,
        ...selection,
        target: openStore(dir),
        signal: stop.signal,
        onArchived: () => stop.abort(),
      }),
      { message: /stopped: .*finish it with --resume/ },
    )
    const stored = async () => (await groupRows()).some((line) => line.includes(theirs))
    t.ok(await stored(), 'nothing deleted')
    const resumed = await archive({ ...base, ...selection, target: openStore(dir), resume: true })
    t.strictSame(resumed.counts.group, { archived: 1, deleted: 1, changed: 0, gone: 0 })
    t.notOk(await stored(), 'archived, then deleted')
  })

  t.test('a run stopped before its deletes leaves a complete archive, and --resume deletes', async (t) => {
    const dir = await tempFolder(t)
    const stop = new AbortController()
    const stopped = await archive({
      ...base,
      target: openStore(dir),
      before: cutoff,
      model: 'audit_entry',
      tenantId: 'acme',
      signal: stop.signal,
      onArchiveWritten: () => stop.abort(),
    })
    t.ok(stopped.stopped)
    const entries = stopped.manifest.counts.audit_entry ?? 0
    t.ok(entries >= 4, 'the audit entries of the creates and the delete')
    t.equal(stopped.counts.audit_entry?.deleted, 0)
    const audit = await alice({ method: 'GET', url: '/v2/audit?limit=100' })
    t.ok(audit.json().data.length >= 4, 'nothing deleted yet')

    await t.rejects(archive({ ...base, target: openStore(dir), before: cutoff, model: 'audit_entry' }), {
      message: /already holds an archive: --resume/,
    })
    const resumed = await archive({ ...base, target: openStore(dir), resume: true })
    t.ok(resumed.reconciled)
    t.equal(resumed.counts.audit_entry?.archived, entries)
    t.equal(resumed.counts.audit_entry?.deleted, entries)
    const after = await alice({ method: 'GET', url: `/v2/audit?to=${encodeURIComponent(cutoff)}&limit=100` })
    t.strictSame(after.json().data, [], 'the archived entries are gone from the log')

    const again = await archive({ ...base, target: openStore(dir), resume: true })
    t.strictSame(again.counts.audit_entry, { archived: entries, deleted: 0, changed: 0, gone: entries })
  })
})
