// `npm run migrate` as the operator runs it, with today's models: an item whose keys the models no
// longer compute (here: an index's keys missing) is found by a dry run, migrated, and listed by
// --status; bad options are refused with a message.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'
import { projectRoot } from '../../scripts/dynamodb-local.js'
import { Group, initialise, toItem } from '../../src/models/index.js'
import { migrationTable } from '../helpers/migration.js'

function migrate(table: { endpoint: string; tableName: string }, args: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(projectRoot, 'scripts', 'migrate.ts'), ...args],
    {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DYNAMODB_ENDPOINT: table.endpoint,
        APP_TABLE_NAME: table.tableName,
      },
    },
  )
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, output })),
  )
}

t.test('dry run, run, status and a run with nothing left to do', async (t) => {
  const table = await migrationTable(t)
  const group = Object.assign(initialise(new Group(), new Date('2025-03-01T00:00:00Z'), 1, 'G1'), {
    tenantId: 'acme',
    userId: 'alice',
    name: 'Readers',
    groupType: 'reading',
  })
  const item = toItem(group)
  delete item.gsi3_pk
  delete item.gsi3_sk
  await table.putRaw([item])

  const dryRun = await migrate(table, ['--dry-run'])
  t.equal(dryRun.code, 0, dryRun.output)
  t.match(dryRun.output, /would migrate group v1 → v1: tenant#acme#group#g1 group#g1/)
  t.match(dryRun.output, /dry run \(nothing written\): scanned 1 = migrated 1; conflicts retried 0/)
  t.notOk((await table.stored()).get('tenant#acme#group#g1 group#g1')?.gsi3_pk, 'the dry run wrote nothing')

  const run = await migrate(table, ['--segments', '2'])
  t.equal(run.code, 0, run.output)
  t.match(run.output, /migration run \w+: model all, tenant all, 2 segments/)
  t.match(run.output, /run \w+ done: scanned 1 = migrated 1; conflicts retried 0/)
  t.match((await table.stored()).get('tenant#acme#group#g1 group#g1'), {
    gsi3_pk: 'tenant#acme#group',
    version: 1,
  })

  const again = await migrate(table, [])
  t.match(again.output, /done: scanned 1 = already current 1; conflicts retried 0/)

  const status = await migrate(table, ['--status'])
  t.equal(status.code, 0, status.output)
  t.match(status.output, /\w+ {2}done {2}model all, tenant all, 2 segments, 1 attempt\(s\)/)
  t.match(status.output, /scanned 1, migrated 1, already current 0/)
  t.match(status.output, /scanned 1, migrated 0, already current 1/)
})

t.test('bad options are refused with a message', async (t) => {
  const table = await migrationTable(t)
  for (const [args, message] of [
    [['--tenant', 'Acme#1'], /--tenant.*not a tenant id/],
    [['--segments', '0'], /--segments must be a whole number/],
    [['--model', 'widget'], /no model is named widget/],
  ] as const) {
    const run = await migrate(table, [...args])
    t.not(run.code, 0, args.join(' '))
    t.match(run.output, message)
  }
  const started = Date.now()
  const missing = await migrate({ ...table, tableName: `${table.tableName}-missing` }, [])
  t.ok(Date.now() - started < 10_000, 'at once, not after retries')
  t.equal(missing.code, 1)
  t.match(missing.output, /migrate: ResourceNotFoundException: /, 'a missing table is named, not dumped')
})
