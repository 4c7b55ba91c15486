// A new index on a live table, end to end: groups written through the API by today's code; new
// code (groups with gsi4, by color) deployed beside it; `table:update` adds gsi4 while both keep
// serving; the migration runner writes gsi4's keys on the items stored before; a query over gsi4
// then finds them. And a key template changed without a new version is rewritten by the runner.
import t from 'tap'
import { servicesOf } from '../../../src/container.js'
import { Group, tableDefinition, toItem } from '../../../src/models/index.js'
import { runMigration } from '../../../src/ops/migrate/index.js'
import { updateTable } from '../../../src/ops/table-update/index.js'
import { ALL_MODELS } from '../../../src/resources/index.js'
import { buildTestApp, type TestApp } from '../../helpers/app.js'
import { ColoredGroup, colorPartition, MODELS_WITH_GSI4 } from '../../helpers/colored-group.js'
import { indexBuildEndpoint } from '../../helpers/dynamodb.js'
import { serveGroupsAs } from '../../helpers/groups-service.js'
import { migrationTable } from '../../helpers/migration.js'

const RED = '#ff0000'
const WORKERS = 3
// Two apps, the update and the runner share this process: its event loop, not DynamoDB, would trip
// load shedding on a busy machine, which is not what this test is about.
const env = { LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0' }

async function createGroup(app: TestApp, name: string, color: string | null) {
  const response = await app.as('acme', 'alice', ['member'])({
    method: 'POST',
    url: '/v2/groups',
    payload: { name, groupType: 'team', color, privacySettings: { visibility: 'tenant' } },
  })
  if (response.statusCode !== 201) throw new Error(`create ${name}: ${response.statusCode} ${response.body}`)
  return { id: response.json().data.id as string, etag: response.headers.etag as string }
}

t.test('table:update adds an index while the app serves; the runner backfills it', async (t) => {
  const today = await buildTestApp(t, { env, endpoint: await indexBuildEndpoint() })
  const { endpoint } = today.config.dynamodb
  const next = await buildTestApp(t, {
    table: { endpoint: endpoint as string, tableName: today.tableName },
    register: serveGroupsAs(ColoredGroup),
    env,
  })
  const table = await migrationTable(t, { endpoint: endpoint as string, tableName: today.tableName })

  const colors = [RED, '#00ff00', null]
  const before: { id: string; etag: string }[] = []
  for (let n = 0; n < 6; n++)
    before.push(await createGroup(today, `Before ${n}`, colors[n % 3] as string | null))
  const redBefore = before.filter((_, n) => n % 3 === 0)

  // table:update runs before the new code writes (it must, before the new code queries gsi4): while
  // gsi4 is built, today's code serves reads and writes and the new code reads; after, both write.
  // (DynamoDB Local answers 500 to a write that carries an index's keys while it builds the index;
  // DynamoDB does not, so there either order works.)
  const phases = { during: false, requests: { before: 0, during: 0, after: 0 } }
  const failures: string[] = []
  const created = { today: [] as string[], next: [] as string[] }
  let serving = true
  const worker = async (first: number) => {
    for (let n = first; serving; n += WORKERS) {
      const phase = phases.during ? 'during' : phases.requests.during > 0 ? 'after' : 'before'
      const reader = n % 2 === 0 ? today : next
      const app = phase === 'after' ? reader : today
      const as = reader.as('acme', 'alice', ['member'])
      try {
        const group = await createGroup(app, `Live ${n}`, RED)
        created[app === today ? 'today' : 'next'].push(group.id)
        const reads = await Promise.all([
          as({ method: 'GET', url: `/v2/groups/${group.id}` }),
          as({ method: 'GET', url: '/v2/groups?limit=5' }),
          as({ method: 'GET', url: `/v2/groups/${before[n % before.length]?.id}` }),
        ])
        for (const response of reads)
          if (response.statusCode !== 200) failures.push(`${response.statusCode} ${response.body}`)
      } catch (error) {
        failures.push((error as Error).message)
      }
      phases.requests[phase] += 4
    }
  }
  const traffic = Promise.all(Array.from({ length: WORKERS }, (_, first) => worker(first)))

  const lines: string[] = []
  const outcome = await updateTable({
    client: table.client,
    definition: tableDefinition(today.tableName, MODELS_WITH_GSI4),
    pollMs: 50,
    report: (line) => {
      lines.push(line)
      if (line === 'creating gsi4') phases.during = true
      if (line === 'gsi4: done') phases.during = false
    },
  })
  while (phases.requests.after < 8) await new Promise((resolve) => setTimeout(resolve, 20))
  serving = false
  await traffic
  t.same(failures, [], 'every request before, during and after succeeded')
  t.ok(phases.requests.during > 0, `requests while gsi4 was built (${JSON.stringify(phases.requests)})`)
  t.same(
    outcome.done.map((step) => step.action === 'create' && step.index.IndexName),
    ['gsi4'],
  )
  t.match(lines, ['create gsi4 (gsi4_pk HASH, gsi4_sk RANGE, projection ALL)', 'creating gsi4'])

  const gateway = servicesOf(next.container).TableGateway
  const redIds = async () => {
    const page = await gateway.query(ColoredGroup, 'acme', {
      index: 'gsi4',
      partitionKey: colorPartition('acme', RED),
      limit: 500,
    })
    return new Set(page.items.map((group) => group.id))
  }
  const indexedBefore = await redIds()
  t.ok(created.next.length > 0, 'the new code has written groups')
  for (const id of created.next) t.ok(indexedBefore.has(id), 'the new code’s groups are in gsi4 at once')
  for (const { id } of redBefore) t.notOk(indexedBefore.has(id), 'older groups are not, yet')

  const summary = await runMigration(table.options({ models: MODELS_WITH_GSI4 }))
  t.equal(summary.status, 'done')
  t.equal(summary.counts.failed, 0)
  t.equal(summary.counts.migrated, before.length + created.today.length, 'every group the old code stored')

  const indexed = await redIds()
  for (const id of [...redBefore.map(({ id }) => id), ...created.today, ...created.next])
    t.ok(indexed.has(id), `red group ${id} is found through gsi4`)
  t.equal(indexed.size, redBefore.length + created.today.length + created.next.length, 'and nothing else')

  const read = await today.as('acme', 'alice', ['member'])({
    method: 'GET',
    url: `/v2/groups/${redBefore[0]?.id}`,
  })
  t.equal(read.headers.etag, redBefore[0]?.etag, 'the migration changed no ETag')
  const again = await runMigration(table.options({ models: MODELS_WITH_GSI4 }))
  t.equal(again.counts.migrated, 0, 'a second run finds nothing to do')
})

t.test('a key template changed at the same version: the runner rewrites the keys', async (t) => {
  const app = await buildTestApp(t)
  const table = await migrationTable(t, {
    endpoint: app.config.dynamodb.endpoint as string,
    tableName: app.tableName,
  })
  // Groups stored by code whose gsi1 (a user's groups of one type) left the owner out.
  const ids = ['01HM4ZB3Q5X7K9N2P4R6T8V0XA', '01HM4ZB3Q5X7K9N2P4R6T8V0XB']
  await table.putRaw(
    ids.map((id, n) => {
      const group = Object.assign(new Group(), {
        id,
        tenantId: 'acme',
        userId: 'alice',
        name: `Old keys ${n}`,
        groupType: 'reading',
        createdUtc: '2024-01-15T09:50:00.000Z',
        updatedUtc: '2024-01-15T09:50:00.000Z',
        version: 3,
      })
      return { ...toItem(group), gsi1_pk: 'tenant#acme#group#type#reading' }
    }),
  )
  const alice = app.as('acme', 'alice', ['member'])
  const mine = async () =>
    (await alice({ method: 'GET', url: '/v2/groups?scope=mine&groupType=reading' }))
      .json()
      .data.map((group: { id: string }) => group.id)
  t.same(await mine(), [], 'the list over gsi1 misses them')

  const summary = await runMigration(table.options({ models: ALL_MODELS }))
  t.equal(summary.counts.migrated, 2)
  t.same(await mine(), ids, 'and finds them once the runner has rewritten their keys')
  const stored = await table.stored()
  for (const id of ids) {
    const item = stored.get(`tenant#acme#group#${id.toLowerCase()} group#${id.toLowerCase()}`)
    t.match(item, { gsi1_pk: 'tenant#acme#user#alice#group#type#reading', model_version: 1, version: 3 })
  }
})
