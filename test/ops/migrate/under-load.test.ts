// The migration runs while clients read and change the same items through the API: no client sees
// an error it causes (every GET and PATCH succeeds, If-Match tags taken before it still match), no
// change is lost, and every item ends current.
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { OUTCOMES } from '../../../src/ops/migrate/counts.js'
import { reconciliation, runMigration } from '../../../src/ops/migrate/index.js'
import { modelsByName, planItem } from '../../../src/ops/migrate/plan.js'
import { buildTestApp } from '../../helpers/app.js'
import { serveGroupsAs } from '../../helpers/groups-service.js'
import { migrationTable, VERSIONED_MODELS } from '../../helpers/migration.js'
import { VersionedGroup, v1Item } from '../../helpers/versioned-group.js'

const GROUPS = 300
const WORKERS = 6

t.test('a migration under a load of GETs and PATCHes of the same items', async (t) => {
  // The app and the runner share this process: on a busy machine its event loop, not DynamoDB,
  // would trip load shedding, which is not what this test is about.
  const testApp = await buildTestApp(t, {
    register: serveGroupsAs(VersionedGroup),
    env: { LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0' },
  })
  const table = await migrationTable(t, {
    endpoint: testApp.config.dynamodb.endpoint as string,
    tableName: testApp.tableName,
  })
  const ids = Array.from({ length: GROUPS }, (_, n) => `01HM4ZB3Q5X7K9N2P4R6T${String(n).padStart(5, '0')}`)
  await table.putRaw(
    ids.map((id, n) =>
      v1Item({
        tenantId: 'acme',
        userId: 'alice',
        id,
        name: `Club ${n}`,
        type: 'reading',
        isPrivate: n % 2 === 0,
        badge: 'book #00ff00',
      }),
    ),
  )
  const alice = testApp.as('acme', 'alice', ['member'])

  const before = await alice({ method: 'GET', url: `/v2/groups/${ids[1]}` })
  t.equal(before.statusCode, 200)
  t.match(before.json().data, {
    groupType: 'reading',
    icon: 'book',
    color: '#00ff00',
    privacySettings: { visibility: 'tenant' },
    version: 1,
  })

  // Each worker has its own items, so the only writer besides it is the migration. (PATCHes add
  // audit entries to the table, hence --model group.)
  const patches = new Map<string, number>()
  const lastValue = new Map<string, string>()
  const problems: string[] = []
  let migrating = true
  let requests = 0
  const worker = async (w: number) => {
    const mine = ids.filter((_, n) => n % WORKERS === w)
    for (let round = 0; migrating; round++) {
      const id = mine[Math.floor(Math.random() * mine.length)] as string
      const read = await alice({ method: 'GET', url: `/v2/groups/${id}` })
      if (read.statusCode !== 200 || read.json().data?.groupType !== 'reading')
        problems.push(`GET ${id}: ${read.statusCode} ${read.body}`)
      const description = `worker ${w} round ${round}`
      const patched = await alice({
        method: 'PATCH',
        url: `/v2/groups/${id}`,
        headers: { 'if-match': String(read.headers.etag) },
        payload: { description },
      })
      requests += 2
      if (patched.statusCode !== 200) {
        problems.push(`PATCH ${id}: ${patched.statusCode} ${patched.body}`)
        continue
      }
      patches.set(id, (patches.get(id) ?? 0) + 1)
      lastValue.set(id, description)
    }
  }
  const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)))
  await sleep(200)
  const requestsBefore = requests
  const summary = await runMigration(
    table.options({ model: 'group', segments: 4, pageSize: 25, concurrency: 4 }),
  ).finally(() => {
    migrating = false
  })
  await load
  t.strictSame(problems, [], 'every GET and PATCH succeeded')
  t.ok(
    requests - requestsBefore > 50,
    `the load ran during the migration (${requests - requestsBefore} requests)`,
  )
  t.match(summary.counts, { scanned: GROUPS, failed: 0, gone: 0, newer: 0, unknown: 0 })
  t.equal(
    summary.counts.migrated + summary.counts.current,
    GROUPS,
    'migrated, or stored current by a PATCH first',
  )
  t.ok(summary.counts.migrated > 0)
  t.equal(
    OUTCOMES.reduce((sum, outcome) => sum + summary.counts[outcome], 0),
    summary.counts.scanned,
    'the outcomes add up to what was scanned',
  )
  t.match(reconciliation(summary.counts), new RegExp(`^scanned ${GROUPS} = migrated \\d+`))
  t.comment(
    `migrated ${summary.counts.migrated}, current ${summary.counts.current}, conflicts ${summary.counts.conflicts}`,
  )

  const stored = await table.stored()
  const models = modelsByName(VERSIONED_MODELS)
  for (const id of ids) {
    const item = stored.get(`tenant#acme#group#${id.toLowerCase()} group#${id.toLowerCase()}`) as Record<
      string,
      unknown
    >
    const expected = {
      version: 1 + (patches.get(id) ?? 0),
      model_version: 3,
      ...(lastValue.has(id) ? { description: lastValue.get(id) } : {}),
    }
    if (
      !(
        item.version === expected.version &&
        item.model_version === 3 &&
        (!lastValue.has(id) || item.description === lastValue.get(id))
      )
    )
      t.fail(`${id}: stored ${JSON.stringify(item)}, expected ${JSON.stringify(expected)}`)
    if (planItem(models, item).kind !== 'current') t.fail(`${id} is not current`)
  }
  t.ok(patches.size > 0)

  let listed = 0
  let cursor: string | undefined
  do {
    const page = await alice({
      method: 'GET',
      url: `/v2/groups?scope=mine&groupType=reading&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
    })
    t.equal(page.statusCode, 200)
    listed += page.json().data.length
    cursor = page.json().page.nextCursor
  } while (cursor)
  t.equal(listed, GROUPS, 'every group is in the list of the current gsi1 template')
  t.equal(
    (await runMigration(table.options({ model: 'group' }))).counts.migrated,
    0,
    'nothing is left to migrate',
  )
})
