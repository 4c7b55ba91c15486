// One runner at a time per run: a second one started while the first works waits for the lease
// and gives up, since the first keeps renewing it; a lease left by a runner killed outright lapses
// and the next runner resumes the run after waiting for it.
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import {
  formatRuns,
  MigrationBusyError,
  migrationRuns,
  runMigration,
} from '../../../src/ops/migrate/index.js'
import { MigrationRecords } from '../../../src/ops/migrate/records.js'
import { migrationTable } from '../../helpers/migration.js'
import { until } from '../../helpers/until.js'
import { v1Item } from '../../helpers/versioned-group.js'

const groups = (count: number) =>
  Array.from({ length: count }, (_, n) =>
    v1Item({
      tenantId: 'acme',
      userId: 'alice',
      id: `L${String(n).padStart(3, '0')}`,
      name: `Club ${n}`,
      type: 'reading',
    }),
  )

t.test(
  'a second runner of the same run waits for the lease, then gives up while the first works',
  async (t) => {
    const table = await migrationTable(t)
    await table.putRaw(groups(40))
    // The first runner writes slowly: one item at a time, 100 ms each, about 4 s in all.
    table.client.middlewareStack.add(
      (next) => async (args) => {
        if ((args.input as { Item?: Record<string, { S?: string }> }).Item?.pk?.S?.startsWith('tenant#'))
          await sleep(100)
        return next(args)
      },
      { step: 'initialize', name: 'slow' },
    )
    const first = runMigration(table.options({ segments: 1, concurrency: 1, leaseMs: 600 }))
    t.ok(await until(async () => (await migrationRuns(table.client, table.tableName)).length > 0, 10_000))
    t.match(
      formatRuns(await migrationRuns(table.client, table.tableName)).join('\n'),
      /running \(a runner holds it until \d{4}-/,
      '--status shows the run held',
    )

    const second = await migrationTable(t, table)
    const lines: string[] = []
    const started = Date.now()
    await t.rejects(
      runMigration(second.options({ leaseMs: 600, print: (line) => lines.push(line) })),
      MigrationBusyError,
    )
    t.ok(Date.now() - started >= 600, 'it waited for the lease to lapse')
    t.match(lines.join('\n'), /held by another runner: waiting up to 1 s/)
    const summary = await first
    t.match(summary, { status: 'done', counts: { migrated: 40 } }, 'the first runner finished undisturbed')
    t.match(await migrationRuns(table.client, table.tableName), [{ status: 'done', attempts: 1 }])
  },
)

t.test('the lease of a runner killed outright lapses, and the next runner resumes the run', async (t) => {
  const table = await migrationTable(t)
  await table.putRaw(groups(30))
  const controller = new AbortController()
  controller.abort()
  const stopped = await runMigration(table.options({ signal: controller.signal }))
  t.equal(stopped.status, 'stopped')
  // What a killed runner leaves: a lease nobody renews.
  await new MigrationRecords(table.client, table.tableName).claim(
    stopped.runId as string,
    'killed',
    Date.now(),
    Date.now() + 1_500,
  )
  const lines: string[] = []
  const started = Date.now()
  const resumed = await runMigration(table.options({ leaseMs: 1_500, print: (line) => lines.push(line) }))
  t.ok(Date.now() - started >= 1_000, 'it waited for the lease')
  t.match(lines.join('\n'), /held by another runner[\s\S]*resuming migration run/)
  t.match(resumed, { resumed: true, runId: stopped.runId, status: 'done', counts: { migrated: 30 } })
})
