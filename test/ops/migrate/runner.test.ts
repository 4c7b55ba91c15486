// The runner over a table of groups stored at each version of their test history (and the items
// it must leave alone), against DynamoDB Local.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { fromItem, initialise, Tenant, toItem } from '../../../src/models/index.js'
import { runMigration } from '../../../src/ops/migrate/index.js'
import { migrationTable } from '../../helpers/migration.js'
import { scanTable } from '../../helpers/table.js'
import { renameType, VersionedGroup, v1Item } from '../../helpers/versioned-group.js'

const created = '2024-01-15T09:50:00.000Z'
const group = (tenantId: string, id: string, name: string) =>
  v1Item({ tenantId, userId: 'alice', id, name, type: 'reading', isPrivate: false, badge: 'book #ff0000' })
const currentOf = (item: Record<string, unknown>) => toItem(fromItem(VersionedGroup, item))
const key = (item: Record<string, unknown>) => `${item.pk} ${item.sk}`

type Stored = Record<string, unknown>

const NAMES = [
  'v1',
  'v2',
  'staleTemplate',
  'missingIndex',
  'deleted',
  'current',
  'newer',
  'unknown',
  'tenant',
  'otherTenant',
] as const

function fixtures(): Record<(typeof NAMES)[number], Stored> {
  const v1 = group('acme', 'G1', 'Club one')
  const v2: Stored = { ...renameType(group('acme', 'G2', 'Club two')), model_version: 2 }
  const staleTemplate: Stored = {
    ...currentOf(group('acme', 'G3', 'Club three')),
    gsi1_pk: 'tenant#acme#group#type#reading',
  }
  const missingIndex = currentOf(group('acme', 'G4', 'Club four'))
  delete missingIndex.gsi3_pk
  delete missingIndex.gsi3_sk
  const deleted: Stored = {
    ...group('acme', 'G5', 'Club five'),
    deleted_utc: created,
    expires_at: 1_900_000_000,
    version: 2,
  }
  for (const attribute of ['gsi1_pk', 'gsi1_sk', 'gsi2_pk', 'gsi2_sk', 'gsi3_pk', 'gsi3_sk'])
    delete deleted[attribute]
  const current = currentOf(group('acme', 'G6', 'Club six'))
  const newer: Stored = { ...currentOf(group('acme', 'G7', 'Club seven')), model_version: 4, mood: 'sunny' }
  const unknown: Stored = {
    pk: 'tenant#acme#widget#w1',
    sk: 'widget#w1',
    model_name: 'widget',
    model_version: 1,
    version: 1,
  }
  const tenant = toItem(
    Object.assign(initialise(new Tenant(), new Date(created), 1, 'acme'), {
      tenantId: 'acme',
      userId: 'root',
      name: 'Acme',
    }),
  )
  const otherTenant = group('globex', 'G8', 'Club eight')
  return { v1, v2, staleTemplate, missingIndex, deleted, current, newer, unknown, tenant, otherTenant }
}

/** Counts the item writes (not the runner's own records) a client sends. */
function countItemWrites(client: DynamoDBClient) {
  const written: string[] = []
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { Item?: Record<string, { S?: string }> }
      const result = await next(args)
      const pk = input.Item?.pk?.S
      if (pk && !pk.startsWith('migration#')) written.push(pk)
      return result
    },
    { step: 'initialize', name: 'countItemWrites' },
  )
  return written
}

t.test('every old item is rewritten in the current shape and keys; the rest are left alone', async (t) => {
  const table = await migrationTable(t)
  const items = fixtures()
  await table.putRaw(Object.values(items))
  const before = await table.stored()

  const summary = await runMigration(table.options({ segments: 3 }))
  t.equal(summary.status, 'done')
  t.match(summary.counts, {
    scanned: 10,
    migrated: 6, // v1, v2, the stale template, the missing index, the deleted one, the other tenant's
    current: 2, // the current group, the tenant
    newer: 1,
    unknown: 1,
    gone: 0,
    failed: 0,
    conflicts: 0,
  })
  const after = await table.stored()
  for (const item of [items.v1, items.v2, items.staleTemplate, items.missingIndex, items.otherTenant]) {
    const stored = after.get(key(item)) as Record<string, unknown>
    const id = String(item.id).toLowerCase()
    const tenantId = item.tenant_id
    t.match(
      stored,
      {
        model_version: 3,
        version: 1,
        updated_utc: created,
        group_type: 'reading',
        icon: 'book',
        color: '#ff0000',
        privacy_settings: { visibility: 'tenant' },
        gsi1_pk: `tenant#${tenantId}#user#alice#group#type#reading`,
        gsi2_pk: `tenant#${tenantId}#group#type#reading`,
        gsi3_pk: `tenant#${tenantId}#group`,
        gsi3_sk: `created#${Date.parse(created) / 1000}#id#${id}`,
      },
      String(item.id),
    )
    t.notOk(
      'type' in stored || 'badge' in stored || 'is_private' in stored,
      'nothing of the old shape is left',
    )
  }
  const deleted = after.get(key(items.deleted)) as Record<string, unknown>
  t.match(deleted, {
    model_version: 3,
    group_type: 'reading',
    deleted_utc: created,
    expires_at: 1_900_000_000,
    version: 2,
  })
  t.notOk(
    Object.keys(deleted).some((attribute) => attribute.startsWith('gsi')),
    'a deleted item stays out of every index',
  )
  for (const untouched of [items.current, items.newer, items.unknown, items.tenant])
    t.strictSame(after.get(key(untouched)), before.get(key(untouched)), String(untouched.sk))

  const records = (await scanTable(table)).filter((item) => String(item.pk).startsWith('migration#'))
  t.equal(records.length, 1 + 3, 'the run and its three segments are recorded')
  t.ok(
    records.every((item) =>
      Object.keys(item).every((attribute) => ['pk', 'sk', 'run', 'segment'].includes(attribute)),
    ),
    'outside every tenant and every index, so no route can serve them',
  )
})

t.test('a dry run writes nothing, not even its records, and says what it would do', async (t) => {
  const table = await migrationTable(t)
  await table.putRaw(Object.values(fixtures()))
  const before = await table.stored()
  const writes = countItemWrites(table.client)
  const summary = await runMigration(table.options({ dryRun: true }))
  t.equal(summary.runId, undefined)
  t.match(summary.counts, { scanned: 10, migrated: 6, current: 2, newer: 1, unknown: 1 })
  t.equal(summary.wouldMigrate.length, 6)
  t.ok(summary.wouldMigrate.some((item) => item.modelName === 'group' && item.from === 1 && item.to === 3))
  t.strictSame(await table.stored(), before, 'the items are as they were')
  t.equal((await table.stored()).size, before.size)
  t.strictSame(writes, [])
  const everything = await table.document.send(
    new (await import('@aws-sdk/lib-dynamodb')).ScanCommand({ TableName: table.tableName, Select: 'COUNT' }),
  )
  t.equal(everything.Count, 10, 'no run or checkpoint record either')
})

t.test('a finished migration run again writes no item', async (t) => {
  const table = await migrationTable(t)
  await table.putRaw(Object.values(fixtures()))
  t.equal((await runMigration(table.options())).counts.migrated, 6)
  const after = await table.stored()
  const writes = countItemWrites(table.client)
  const again = await runMigration(table.options())
  t.match(again.counts, { scanned: 10, migrated: 0, current: 8, newer: 1, unknown: 1 })
  t.equal(again.resumed, false, 'a new run, since the first one finished')
  t.strictSame(writes, [], 'no item written')
  t.strictSame(await table.stored(), after)
})

t.test('--tenant migrates that tenant only, its own record included', async (t) => {
  const table = await migrationTable(t)
  const items = fixtures()
  await table.putRaw(Object.values(items))
  const summary = await runMigration(table.options({ tenant: 'acme' }))
  t.match(summary.counts, { scanned: 9, migrated: 5, current: 2 })
  const after = await table.stored()
  t.strictSame(after.get(key(items.otherTenant)), items.otherTenant, "another tenant's item is untouched")
  t.equal(after.get(key(items.v1))?.model_version, 3)
})

t.test('--model migrates that model only', async (t) => {
  const table = await migrationTable(t)
  await table.putRaw(Object.values(fixtures()))
  t.match((await runMigration(table.options({ model: 'tenant' }))).counts, {
    scanned: 1,
    current: 1,
    migrated: 0,
  })
  t.match((await runMigration(table.options({ model: 'group' }))).counts, {
    scanned: 8,
    migrated: 6,
    newer: 1,
  })
  await t.rejects(runMigration(table.options({ model: 'widget' })), RangeError)
  await t.rejects(runMigration(table.options({ tenant: 'Not#A#Tenant' })), RangeError)
})
