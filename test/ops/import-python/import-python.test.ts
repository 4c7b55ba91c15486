// The Python services' groups imported into tessera's table, then read back through the API as
// their tenants' users would: by id, in all three lists, in the audit log, and never by another
// tenant. Counts reconcile, rejects are listed by key, a re-run imports nothing new, a dry run
// writes nothing.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import t from 'tap'
import { createDynamoDbClient } from '../../../src/db/dynamodb-client.js'
import { importPython } from '../../../src/ops/import-python/importer.js'
import { buildTestApp } from '../../helpers/app.js'
import { createPythonTable, putPythonItems } from '../../helpers/python-layout.js'
import { scanTable } from '../../helpers/table.js'
import { type ExpectedGroup, OWNERS, pythonGroups, pythonRejects, TENANTS, TYPES } from './fixture.js'

const GROUPS = 1_020

interface AuditShown {
  entityType: string
  entityId: string
  action: string
  userId: string
  ipAddress: string | null
  userAgent: string | null
  newValues: Record<string, unknown>
}
const quiet = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done()
    },
  })

/** Runs `check` over the items, `width` at a time; resolves with what the checks found wrong. */
async function problemsOf<T>(items: readonly T[], check: (item: T) => Promise<string | undefined>) {
  const problems: string[] = []
  const width = 16
  for (let start = 0; start < items.length; start += width) {
    const found = await Promise.all(items.slice(start, start + width).map(check))
    problems.push(...found.filter((problem): problem is string => problem !== undefined))
  }
  return problems
}

t.test('importing the Python services’ groups', async (t) => {
  const testApp = await buildTestApp(t)
  const client = createDynamoDbClient(testApp.config.dynamodb)
  t.teardown(() => client.destroy())
  const sourceTable = await createPythonTable(client)
  const groups = pythonGroups(GROUPS)
  const rejects = pythonRejects()
  await putPythonItems(client, sourceTable, [...groups.items, ...rejects.items])
  const total = GROUPS + rejects.items.length
  const rejectsPath = (name: string) => join(t.testdirName, `${name}.ndjson`)
  t.testdir({})
  const run = (name: string, dryRun = false) =>
    importPython({
      client,
      sourceTable,
      dynamodb: testApp.config.dynamodb,
      targetTable: testApp.tableName,
      dryRun,
      segments: 3,
      rejectsPath: rejectsPath(name),
      progressStream: quiet(),
    })
  const readRejects = async (name: string) =>
    (await readFile(rejectsPath(name), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { key: { pk: string; sk: string }; reason: string; detail: string })

  await t.test('a dry run maps and reports, and writes nothing', async (t) => {
    const before = await scanTable(testApp)
    const summary = await run('dry', true)
    t.match(summary, {
      dryRun: true,
      read: total,
      imported: GROUPS,
      alreadyImported: 0,
      rejected: rejects.items.length,
    })
    t.same(await scanTable(testApp), before, 'the target table is as it was')
    t.equal((await readRejects('dry')).length, rejects.items.length, 'the rejects are reported')
  })

  await t.test('an import writes every group with its audit entry and reports every reject', async (t) => {
    const summary = await run('first')
    t.match(summary, {
      dryRun: false,
      stopped: false,
      read: total,
      imported: GROUPS,
      alreadyImported: 0,
      failed: 0,
    })
    t.equal(summary.rejected, rejects.items.length)
    t.equal(
      summary.imported + summary.alreadyImported + summary.rejected + summary.failed,
      summary.read,
      'counts reconcile',
    )
    for (const reason of new Set(rejects.reasons.values()))
      t.equal(
        summary.rejectedBy[reason],
        [...rejects.reasons.values()].filter((r) => r === reason).length,
        reason,
      )
    const lines = await readRejects('first')
    t.same(
      new Map(lines.map((line) => [line.key.pk, line.reason])),
      rejects.reasons,
      'each reject by key, with its reason',
    )
    t.ok(
      lines.every((line) => typeof line.key.sk === 'string' && line.detail.length > 0),
      'each with its key and a detail',
    )
    const stored = await scanTable(testApp)
    t.equal(stored.filter((item) => item.model_name === 'group').length, GROUPS)
    t.equal(stored.filter((item) => item.model_name === 'audit_entry').length, GROUPS)
  })

  const admin = (tenantId: string) => testApp.as(tenantId, 'admin', ['tenant_admin'])
  const byTenant = (tenantId: string) => groups.expected.filter((group) => group.tenantId === tenantId)

  await t.test('every group reads back by id as the Python service stored it', async (t) => {
    const problems = await problemsOf(groups.expected, async (expected) => {
      const response = await admin(expected.tenantId)({ method: 'GET', url: `/v2/groups/${expected.id}` })
      const data = response.json().data
      return JSON.stringify(data) === JSON.stringify(expected)
        ? undefined
        : `${response.statusCode} ${JSON.stringify(data)}`
    })
    t.same(problems, [])
  })

  await t.test('no tenant reads another’s imported groups', async (t) => {
    // Every third group here; the lists below show each tenant all of its own groups and none other.
    const sample = groups.expected.filter((_, n) => n % 3 === 0)
    const problems = await problemsOf(sample, async (expected) => {
      const other = TENANTS[(TENANTS.indexOf(expected.tenantId as never) + 1) % TENANTS.length] as string
      const response = await admin(other)({ method: 'GET', url: `/v2/groups/${expected.id}` })
      return response.statusCode === 404 ? undefined : `${expected.id}: ${response.statusCode}`
    })
    t.same(problems, [])
  })

  const listAll = async <T = ExpectedGroup>(
    inject: ReturnType<typeof admin>,
    query: string,
    path = '/v2/groups',
  ) => {
    const listed: T[] = []
    let cursor: string | null = null
    do {
      const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
      const response = await inject({ method: 'GET', url: `${path}?limit=100${query}${after}` })
      const body = response.json()
      listed.push(...body.data)
      cursor = body.page.nextCursor
    } while (cursor)
    return listed
  }
  const ids = (list: readonly { id: string }[]) => list.map((group) => group.id).sort()

  await t.test(
    'each tenant lists its groups by creation time, by type, and each owner its own',
    async (t) => {
      for (const tenantId of TENANTS) {
        const mine = byTenant(tenantId)
        const byCreation = await listAll(admin(tenantId), '')
        t.same(ids(byCreation), ids(mine), `${tenantId}: by creation time, all and only its own`)
        const times = byCreation.map((group) => group.createdUtc)
        t.same(times, [...times].sort().reverse(), `${tenantId}: newest first`)
        for (const groupType of TYPES) {
          const ofType = await listAll(admin(tenantId), `&groupType=${groupType}`)
          t.same(
            ids(ofType),
            ids(mine.filter((group) => group.groupType === groupType)),
            `${tenantId}: ${groupType}`,
          )
          for (const owner of OWNERS) {
            const own = await listAll(testApp.as(tenantId, owner), `&scope=mine&groupType=${groupType}`)
            const expected = mine.filter((group) => group.groupType === groupType && group.userId === owner)
            t.same(ids(own), ids(expected), `${tenantId}: ${owner}’s ${groupType}s`)
          }
        }
      }
    },
  )

  await t.test('every imported group has its create in the audit log, by the importer', async (t) => {
    const byId = new Map(groups.expected.map((group) => [group.id, group]))
    const isImport = (entry: AuditShown) =>
      entry.action === 'create' &&
      entry.entityType === 'group' &&
      entry.userId === '#import' &&
      entry.ipAddress === null &&
      entry.userAgent === null &&
      entry.newValues.name === byId.get(entry.entityId)?.name &&
      entry.newValues.createdUtc === byId.get(entry.entityId)?.createdUtc
    for (const tenantId of TENANTS) {
      const entries = await listAll<AuditShown>(admin(tenantId), '', '/v2/audit')
      t.same(
        ids(entries.map((entry) => ({ id: entry.entityId as string }))),
        ids(byTenant(tenantId)),
        tenantId,
      )
      t.same(
        entries.filter((entry) => !isImport(entry)),
        [],
        `${tenantId}: each a create by the importer`,
      )
    }
    // And by entity, as a tenant admin looks up one group's history (every tenth group).
    const problems = await problemsOf(
      groups.expected.filter((_, n) => n % 10 === 0),
      async (expected) => {
        const url = `/v2/audit?entityType=group&entityId=${expected.id}`
        const entries = (await admin(expected.tenantId)({ method: 'GET', url })).json().data
        return entries.length === 1 && isImport(entries[0])
          ? undefined
          : `${expected.id}: ${JSON.stringify(entries)}`
      },
    )
    t.same(problems, [])
  })

  await t.test('a re-run imports nothing again and rejects the same items; so would a dry run', async (t) => {
    const before = await scanTable(testApp)
    const summary = await run('again')
    t.match(summary, {
      read: total,
      imported: 0,
      alreadyImported: GROUPS,
      rejected: rejects.items.length,
      failed: 0,
    })
    t.equal((await scanTable(testApp)).length, before.length, 'nothing written')
    const lines = (name: string) =>
      readRejects(name).then((list) => list.map((line) => JSON.stringify(line)).sort())
    t.same(await lines('again'), await lines('first'))
    const dry = await run('dry-again', true)
    t.match(dry, {
      read: total,
      imported: 0,
      alreadyImported: GROUPS,
      rejected: rejects.items.length,
      failed: 0,
    })
    t.equal(
      (await scanTable(testApp)).length,
      before.length,
      'a dry run finds them there, and writes nothing',
    )
  })
})
