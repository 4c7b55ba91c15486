// Which run a migration continues: an unfinished run of other target versions (the code changed
// since it stopped) is closed as abandoned and a new run starts; other filters are other runs.
import t from 'tap'
import { migrationRuns, runMigration } from '../../../src/ops/migrate/index.js'
import { ALL_MODELS } from '../../../src/resources/index.js'
import { migrationTable } from '../../helpers/migration.js'
import { v1Item } from '../../helpers/versioned-group.js'

const stoppedAtOnce = () => {
  const controller = new AbortController()
  controller.abort()
  return controller.signal
}

t.test('a run that aimed at other versions is abandoned, not resumed', async (t) => {
  const table = await migrationTable(t)
  await table.putRaw([v1Item({ tenantId: 'acme', userId: 'alice', id: 'A1', name: 'Club', type: 'reading' })])
  // Stopped before its first page, by code whose groups had no history yet.
  const old = await runMigration(table.options({ models: ALL_MODELS, signal: stoppedAtOnce() }))
  t.equal(old.status, 'stopped')

  const lines: string[] = []
  const summary = await runMigration(table.options({ print: (line) => lines.push(line) }))
  t.match(lines.join('\n'), new RegExp(`${old.runId} aimed at other model versions: closed as abandoned`))
  t.not(summary.runId, old.runId)
  t.match(summary, { resumed: false, status: 'done', counts: { migrated: 1 } })
  const runs = await migrationRuns(table.client, table.tableName)
  t.match(
    runs.find((run) => run.runId === old.runId),
    { status: 'abandoned', targetVersions: { group: 1 } },
  )
  t.match(
    runs.find((run) => run.runId === summary.runId),
    { status: 'done', targetVersions: { group: 3 } },
  )
  t.notOk(
    runs.some((run) => run.leaseUntil !== undefined),
    'no lease is left behind',
  )
})

t.test('a run of other filters is not resumed', async (t) => {
  const table = await migrationTable(t)
  await table.putRaw([v1Item({ tenantId: 'acme', userId: 'alice', id: 'A1', name: 'Club', type: 'reading' })])
  const tenantRun = await runMigration(table.options({ tenant: 'acme', signal: stoppedAtOnce() }))
  const whole = await runMigration(table.options())
  t.not(whole.runId, tenantRun.runId)
  t.equal(whole.resumed, false)
  const resumed = await runMigration(table.options({ tenant: 'acme' }))
  t.match(resumed, { resumed: true, runId: tenantRun.runId, counts: { scanned: 1, current: 1 } })
})
