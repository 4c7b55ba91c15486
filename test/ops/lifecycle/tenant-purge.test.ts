import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { servicesOf } from '../../../src/container.js'
import { openStore, readBackup, writeBackup } from '../../../src/ops/backup/index.js'
import { platformAuditEntries } from '../../../src/ops/lifecycle/platform-audit.js'
import { purgeTenant } from '../../../src/ops/lifecycle/tenant-purge.js'
import { buildTestApp } from '../../helpers/app.js'
import { canonicalItem, rawClient, tableContents, tempFolder } from '../../helpers/backup.js'
import { expectError } from '../../helpers/expect.js'
import { runScript } from '../../helpers/script-run.js'

const GROUP = { groupType: 'team', privacySettings: { visibility: 'tenant' } }
const isAcme = (line: string) => line.includes('"pk":{"S":"tenant#acme#')

t.test('tenant export and purge', async (t) => {
  const app = await buildTestApp(t)
  const endpoint = app.config.dynamodb.endpoint as string
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  const root = app.as('platform', 'root', ['platform_admin'])
  for (const id of ['acme', 'globex'])
    t.equal((await root({ method: 'POST', url: '/v2/tenants', payload: { id, name: id } })).statusCode, 201)
  const seed = async (tenant: string, admin: string) => {
    const as = app.as(tenant, admin, ['tenant_admin'])
    const user = await as({
      method: 'POST',
      url: '/v2/users',
      headers: { 'idempotency-key': `${tenant}-user-1` },
      payload: { id: `${tenant}-bob`, email: `bob@${tenant}.example`, name: 'Bob' },
    })
    t.equal(user.statusCode, 201)
    const ids: string[] = []
    for (const name of ['one', 'two', 'three']) {
      const group = await as({ method: 'POST', url: '/v2/groups', payload: { ...GROUP, name } })
      ids.push(group.json().data.id)
    }
    t.equal((await as({ method: 'DELETE', url: `/v2/groups/${ids[2]}` })).statusCode, 204)
    return ids
  }
  const [acmeGroup] = await seed('acme', 'alice')
  await seed('globex', 'gary')
  const all = await tableContents(client, app.tableName)
  const acmeLines = all.filter(isAcme)
  const models = new Set(acmeLines.map((line) => /"model_name":\{"S":"([a-z_]+)"/.exec(line)?.[1]))
  t.strictSame(
    [...models].sort(),
    ['audit_entry', 'group', 'idempotency_record', 'tenant', 'user', 'user_email_claim'],
    'the tenant has items of every kind the purge must take',
  )
  const env = {
    ...process.env,
    DYNAMODB_ENDPOINT: endpoint,
    APP_TABLE_NAME: app.tableName,
    TENANT_CACHE_TTL_MS: '0',
    CACHE_TTL_MS: '0',
  }
  const script = (name: string, args: string[]) => runScript(name, args, env)
  const purge = (options: { export: string; confirm?: string }) =>
    purgeTenant({
      client,
      tableName: app.tableName,
      tenantId: 'acme',
      confirm: options.confirm ?? 'acme',
      source: openStore(options.export),
      actor: 'test-operator',
      segments: 3,
      concurrency: 4,
      settleMs: 0,
    })

  const dir = await tempFolder(t)
  const exported = await script('tenant-export', [
    '--tenant',
    'acme',
    '--to',
    join(dir, 'first'),
    '--segments',
    '3',
  ])
  t.equal(exported.status, 0, exported.stderr)

  t.test("the export holds exactly the tenant's items, none of another's", async (t) => {
    const backup = await readBackup(openStore(join(dir, 'first')))
    t.equal(backup.manifest.kind, 'tenant-export')
    t.strictSame(backup.manifest.filter, { tenantId: 'acme' })
    const lines: string[] = []
    for await (const item of backup.items()) lines.push(canonicalItem(item))
    t.strictSame(lines.sort(), acmeLines, 'every item of the tenant, as stored')
    t.ok(
      lines.some((line) => line.includes('"gsi1_pk":{"S":"platform#tenants"}')),
      "the tenant's record, with its entry in the platform's list of tenants",
    )
    t.notOk(
      lines.some((line) => line.includes('globex')),
      'nothing of another tenant',
    )
  })

  t.test('a purge refuses, and changes nothing, without a sound and current export', async (t) => {
    await t.rejects(purge({ export: join(dir, 'first'), confirm: 'acme2' }), {
      message: /--confirm must repeat/,
    })
    await t.rejects(purge({ export: join(dir, 'none') }), { message: /no manifest\.json/ })

    const other = join(dir, 'globex')
    t.equal((await script('tenant-export', ['--tenant', 'globex', '--to', other])).status, 0)
    await t.rejects(purge({ export: other }), { message: /exports tenant globex, not acme/ })

    const nobody = join(dir, 'nobody')
    t.equal((await script('tenant-export', ['--tenant', 'nobody', '--to', nobody])).status, 0)
    await t.rejects(
      purgeTenant({
        client,
        tableName: app.tableName,
        tenantId: 'nobody',
        confirm: 'nobody',
        source: openStore(nobody),
        actor: 'test-operator',
        segments: 2,
        concurrency: 4,
        settleMs: 0,
      }),
      { message: /holds no item: tenant nobody has no data to purge/ },
    )

    const full = join(dir, 'full')
    await writeBackup({
      client,
      tableName: app.tableName,
      target: openStore(full),
      segments: 2,
      kind: 'backup',
    })
    await t.rejects(purge({ export: full }), { message: /is a backup, not a tenant export/ })

    const corrupt = join(dir, 'corrupt')
    t.equal((await script('tenant-export', ['--tenant', 'acme', '--to', corrupt])).status, 0)
    const { parts } = JSON.parse(await readFile(join(corrupt, 'manifest.json'), 'utf8'))
    const part = join(corrupt, parts[0].name)
    const bytes = await readFile(part)
    bytes[bytes.length - 12] = (bytes[bytes.length - 12] ?? 0) ^ 0xff
    await writeFile(part, bytes)
    await t.rejects(purge({ export: corrupt }), { name: 'BackupError' })

    const cli = await script('tenant-purge', ['--tenant', 'acme', '--confirm', 'acme', '--export', corrupt])
    t.equal(cli.status, 1)
    t.match(cli.stderr, /refused: /)
    t.strictSame(await tableContents(client, app.tableName), all, 'nothing was written or deleted')

    const changed = await app.as('acme', 'alice', ['tenant_admin'])({
      method: 'PATCH',
      url: `/v2/groups/${acmeGroup}`,
      payload: { description: 'written after the export' },
    })
    t.equal(changed.statusCode, 200, changed.body)
    const refused = purge({ export: join(dir, 'first') })
    await t.rejects(refused, {
      message: /older than the tenant's last write: 2 items were written or changed since/,
    })
    const left = (await tableContents(client, app.tableName)).filter(isAcme)
    t.equal(left.length, acmeLines.length + 1, 'nothing deleted (the change wrote an audit entry)')
  })

  t.test(
    "a purge with a current export deletes every item of the tenant but its record, and no one else's",
    async (t) => {
      const before = (await tableContents(client, app.tableName)).filter((line) => !isAcme(line))
      const current = join(dir, 'current')
      t.equal((await script('tenant-export', ['--tenant', 'acme', '--to', current])).status, 0)
      const run = await script('tenant-purge', [
        '--tenant',
        'acme',
        '--confirm',
        'acme',
        '--export',
        current,
        '--actor',
        'ops-jane',
      ])
      t.equal(run.status, 0, run.stderr)
      t.match(run.stdout, /tenant acme offboarded/)
      t.match(run.stdout, /group: 3 = 3 \+ 0 \+ 0 \+ 0 ok/)
      t.match(run.stdout, /tenant: 1 = 0 \+ 0 \+ 0 \+ 1 ok/)
      t.match(run.stdout, /user_email_claim: 1 = 1 \+ 0 \+ 0 \+ 0 ok/)

      const after = await tableContents(client, app.tableName)
      const left = after.filter(isAcme)
      t.equal(left.length, 1, "only the tenant's record is left")
      t.match(left[0], /"status":\{"S":"offboarded"\}/)
      const others = after.filter((line) => !isAcme(line) && !line.includes('"pk":{"S":"platform#audit"}'))
      t.strictSame(others, before, "every other tenant's item (and platform item) is unchanged")

      const [entry, ...more] = await platformAuditEntries(client, app.tableName)
      t.equal(more.length, 0)
      t.match(entry, { action: 'tenant_purge', entityType: 'tenant', entityId: 'acme', actor: 'ops-jane' })
      t.match(entry?.details, { export: current, counts: { group: { exported: 3, deleted: 3 } } })

      // Another instance forgets the tenant's standing within its TTL; the purge waits that long.
      servicesOf(app.container).TenantStandingCache.clear()
      const refused = await app.as('acme', 'alice', ['tenant_admin'])({ method: 'GET', url: '/v2/groups' })
      expectError(t, refused, 403, 'FORBIDDEN', "an offboarded tenant's token")
      const record = await root({ method: 'GET', url: '/v2/tenants/acme' })
      t.match(record.json().data, { id: 'acme', status: 'offboarded' })
      const globex = await app.as('globex', 'gary', ['tenant_admin'])({ method: 'GET', url: '/v2/groups' })
      t.equal(globex.json().data.length, 2, 'another tenant is served as before')

      const again = await script('tenant-purge', [
        '--tenant',
        'acme',
        '--confirm',
        'acme',
        '--export',
        current,
      ])
      t.equal(again.status, 0, 'a second run with the same export finds nothing more to do')
      t.match(again.stdout, /group: 3 = 0 \+ 0 \+ 3 \+ 0 ok/)
    },
  )
})
