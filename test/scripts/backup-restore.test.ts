// `npm run backup` and `npm run restore` as the operator runs them: exit codes, the report, a
// refused restore, Ctrl-C during a backup, and bad options.
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { putRaw, rawClient, rawItems, tableContents, tempFolder } from '../helpers/backup.js'
import { createTestTable } from '../helpers/dynamodb.js'
import { startScript } from '../helpers/script-run.js'
import { startSlowProxy } from '../helpers/slow-proxy.js'
import { until } from '../helpers/until.js'

function run(script: 'backup' | 'restore', endpoint: string, tableName: string, args: string[]) {
  return startScript(script, args, { endpoint, tableName })
}

t.test('backup, restore, and a restore refused', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  await putRaw(client, tableName, [...rawItems('acme', 30), ...rawItems('globex', 20)])
  const folder = await tempFolder(t)

  const backup = await run('backup', endpoint, tableName, ['--to', folder, '--segments', '2']).exited
  t.equal(backup.code, 0, backup.output)
  t.match(backup.output, `backed up 50 items of ${tableName} to ${folder}`)
  t.match(backup.output, /raw_thing: 50/)

  const target = `${tableName}-restored`
  const restore = await run('restore', endpoint, tableName, ['--from', folder, '--table', target]).exited
  t.equal(restore.code, 0, restore.output)
  t.match(restore.output, `restore into ${target} (table created)`)
  t.match(restore.output, /raw_thing: 50 = 50 \+ 0 \+ 0 ok/)
  t.match(restore.output, /counts reconcile with the manifest/)
  t.strictSame(await tableContents(client, target), await tableContents(client, tableName))

  const again = await run('restore', endpoint, tableName, ['--from', folder, '--table', target]).exited
  t.equal(again.code, 0, again.output)
  t.match(again.output, /raw_thing: 50 = 0 \+ 50 \+ 0 ok/, 'missing-only by default: all skipped')

  const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'))
  await rm(join(folder, manifest.parts[0].name))
  const refused = await run('restore', endpoint, tableName, ['--from', folder, '--table', `${tableName}-x`])
    .exited
  t.equal(refused.code, 1)
  t.match(refused.output, /refused: .*segment-0000-0000\.ndjson\.gz is missing/)

  const tenant = await run('restore', endpoint, tableName, ['--from', folder, '--tenant', 'ACME!']).exited
  t.equal(tenant.code, 1)
  t.match(tenant.output, /refused: /)
})

t.test('Ctrl-C during a backup leaves no manifest, and restore refuses the folder', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  await putRaw(client, tableName, rawItems('acme', 40))
  // Every call answers late, so the signal arrives while the scan is in flight.
  const proxy = await startSlowProxy(endpoint, 700)
  t.teardown(() => proxy.close())
  const folder = await tempFolder(t)
  const backup = run('backup', proxy.endpoint, tableName, ['--to', folder, '--segments', '2'])
  t.ok(await until(() => proxy.calls.includes('Scan'), 30_000), 'the scan started')
  backup.child.kill('SIGINT')
  const { code, output } = await backup.exited
  t.equal(code, 1, output)
  t.match(output, /SIGINT: finishing the pages in flight/)
  t.match(output, /backup: stopped: .* holds parts but no manifest/)
  await t.rejects(readFile(join(folder, 'manifest.json')), { code: 'ENOENT' })
  const restore = await run('restore', endpoint, tableName, ['--from', folder, '--table', `${tableName}-r`])
    .exited
  t.equal(restore.code, 1)
  t.match(restore.output, /no manifest\.json: it is not a complete backup/)
})

t.test('bad options are refused with a message', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const cases: ['backup' | 'restore', string[], RegExp][] = [
    ['backup', [], /required option '--to <location>'/],
    ['backup', ['--to', '/tmp/x', '--segments', '0'], /--segments must be a whole number from 1 to 1000/],
    ['backup', ['--to', '/tmp/x', '--model', 'widget'], /model "widget" is unknown; the models are group, /],
    ['backup', ['--to', '/tmp/x', '--tenant', 'A#B'], /tenant "A#B" is no tenant id/],
    ['restore', ['--from', '/tmp/x', '--mode', 'replace'], /Allowed choices are missing-only, overwrite/],
  ]
  for (const [script, args, message] of cases) {
    const { code, output } = await run(script, endpoint, tableName, args).exited
    t.not(code, 0, `${script} ${args.join(' ')}`)
    t.match(output, message)
  }
})
