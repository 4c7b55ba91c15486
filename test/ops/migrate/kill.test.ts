// A migration killed with SIGKILL part-way, then started again, finishes with every item migrated
// exactly once: the runs' counts add up to the old items, and no item was written twice.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { projectRoot } from '../../../scripts/dynamodb-local.js'
import { type MigrationSummary, migrationRuns } from '../../../src/ops/migrate/index.js'
import { migrationTable } from '../../helpers/migration.js'
import { until } from '../../helpers/until.js'
import { v1Item } from '../../helpers/versioned-group.js'

const ITEMS = 2_000
/** Writes that can be acknowledged by DynamoDB but not yet logged when the kill lands. */
const IN_FLIGHT = 4 * 8

t.test('a migration killed mid-run resumes and migrates every item once', async (t) => {
  const table = await migrationTable(t)
  const ids = Array.from({ length: ITEMS }, (_, n) => `K${String(n).padStart(5, '0')}`)
  await table.putRaw(
    ids.map((id, n) => v1Item({ tenantId: 'acme', userId: 'alice', id, name: `Club ${n}`, type: 'reading' })),
  )
  const folder = mkdtempSync(join(tmpdir(), 'migrate-kill-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))

  const start = (name: string) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'helpers', 'migrate-child.ts')], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DYNAMODB_ENDPOINT: table.endpoint,
        APP_TABLE_NAME: table.tableName,
        MIGRATE_WRITE_LOG: join(folder, name),
        MIGRATE_LEASE_MS: '3000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    t.teardown(() => {
      if (child.exitCode === null) child.kill('SIGKILL')
    })
    return { child, exited, output: () => output }
  }
  const writesOf = (name: string) => {
    try {
      return readFileSync(join(folder, name), 'utf8').split('\n').filter(Boolean)
    } catch {
      return []
    }
  }

  const first = start('first')
  const checkpointed = await until(async () => {
    const [run] = await migrationRuns(table.client, table.tableName)
    return (run?.counts.migrated ?? 0) > 0
  }, 60_000)
  t.ok(checkpointed, 'the first run checkpointed')
  first.child.kill('SIGKILL')
  await first.exited
  const [killed] = await migrationRuns(table.client, table.tableName)
  const recorded = killed?.counts.migrated ?? 0
  t.match(killed, { status: 'running' }, 'the killed run is unfinished')
  t.ok(recorded < ITEMS, `it was killed part-way (${recorded} recorded)`)

  const second = start('second')
  t.equal(await second.exited, 0, second.output())
  t.match(second.output(), new RegExp(`resuming migration run ${killed?.runId}`), 'it says it resumed')
  const summary = JSON.parse(second.output().trim().split('\n').at(-1) as string) as MigrationSummary
  t.equal(summary.runId, killed?.runId)
  t.equal(
    recorded + summary.attempt.migrated,
    ITEMS,
    "the two attempts' migrated counts add up to the old items",
  )
  t.match(summary.counts, { migrated: ITEMS, failed: 0, gone: 0 })
  const [done] = await migrationRuns(table.client, table.tableName)
  t.match(done, { status: 'done', attempts: 2, counts: { migrated: ITEMS } })

  const writes = [...writesOf('first'), ...writesOf('second')]
  const twice = writes.filter((pk, index) => writes.indexOf(pk) !== index)
  t.strictSame(twice, [], 'no item written twice')
  t.ok(writes.length <= ITEMS && writes.length >= ITEMS - IN_FLIGHT, `${writes.length} writes logged`)
  t.ok(writesOf('first').length >= recorded, 'the first attempt wrote at least what it recorded')
  const stored = [...(await table.stored()).values()]
  t.equal(stored.length, ITEMS)
  t.ok(
    stored.every(
      (item) =>
        item.model_version === 3 && item.version === 1 && String(item.gsi1_pk).includes('#user#alice#'),
    ),
    'every item is current, at its version',
  )
})
