// `npm run bench:import`: the app's two ways of creating groups against the SDK alone making the
// same writes with the same atomicity, on the same DynamoDB Local, in alternating rounds of one run:
// `POST /v2/groups/batch` against raw TransactWriteItems of 100 actions (50 groups and their audit
// entries), and single `POST /v2/groups` against raw 2-action transactions (a group and its audit
// entry), each with the same number of DynamoDB calls in flight. The app runs in a child process
// (production settings, log lines to a file); the load and the raw writes come from this process.
// Every import goes into a tenant of its own, counted through gsi3 afterwards. `-- --quick`: tiny
// sizes, one round (for CI); `-- --groups N`: N groups per import; `-- --path batch` (or single):
// that path only. BENCH_IMPORT_CPU_PROF=<folder>: the app writes a CPU profile there when it stops.
import { ok } from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { ulid } from 'ulid'
import { createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { startBenchTable } from './bench-server.js'
import { createActions, groupBody, writeRaw } from './bulk-raw.js'
import { type AppClient, appClient, assertSameItems, boundedAll, countGroups } from './bulk-sides.js'
import { spawnServer } from './child-server.js'
import { appEnvironment } from './http-app.js'
import { formatCount, formatRatio, median, printTable } from './measure.js'
import { reportTargets } from './targets.js'

const { quick, groups, path, ceiling } = new Command('bench:import')
  .option('--quick', 'tiny sizes, one round', false)
  .option('--path <path>', 'only this path (batch or single), e.g. to profile it')
  .option('--ceiling', 'also a bare Fastify server making the same writes (bare-import-server.ts)', false)
  .option('--groups <count>', 'groups per import (a multiple of 8,000 keeps every round full)', Number)
  .parse()
  .opts<{ quick: boolean; groups?: number; path?: 'batch' | 'single'; ceiling: boolean }>()
// 8,000 keeps every round of every side full: 8 batch requests in two rounds of 4 (each request 24
// transactions in three rounds of 8; see planTransactions), 160 raw transactions in five rounds of 32.
const GROUPS = groups ?? (quick ? 400 : 8_000)
const BATCH_SIZE = quick ? 100 : 1_000
/** Creates per transaction in a batch: 50 groups and their audit entries, DynamoDB's 100 actions. */
const CREATES_PER_TRANSACTION = 50
/** DynamoDB calls in flight at most, for every import. */
const CONCURRENCY = 32
// DynamoDB Local is a JVM: it needs a few thousand writes of each kind before its speed settles.
const WARMUP_GROUPS = quick ? 100 : Math.min(3_000, GROUPS)
const ROUNDS = quick ? 1 : 5
const OVERALL_TIMEOUT_MS = 20 * 60_000
// For the app and the raw writes alike: on a busy machine DynamoDB Local can take seconds to answer
// a 100-action transaction, beyond the server's 3 s (sized for single-item calls).
const DYNAMODB_REQUEST_TIMEOUT_MS = 30_000
/**
 * The app's settings here: DynamoDB's time as above, and load shedding still on but out of reach (a
 * busy machine stalls the event loop past the 1 s default now and then, and a shed create fails the
 * import).
 */
const APP_SETTINGS = {
  DYNAMODB_REQUEST_TIMEOUT_MS: String(DYNAMODB_REQUEST_TIMEOUT_MS),
  LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: String(60_000),
}
const TARGET_RATIO = 0.9
const SUBJECT = 'importer'

const ALL_KINDS = ['single app', 'single raw', 'single bare', 'batch app', 'batch raw', 'batch bare'] as const
type Kind = (typeof ALL_KINDS)[number]
const KINDS = ALL_KINDS.filter(
  (kind) => (path === undefined || kind.startsWith(path)) && (ceiling || !kind.endsWith('bare')),
)
const TITLES: Record<Kind, string> = {
  'single app': 'POST /v2/groups',
  'single raw': 'SDK TransactWriteItems, 2 actions',
  'batch app': `POST /v2/groups/batch, ${formatCount(BATCH_SIZE)} a request`,
  'batch raw': 'SDK TransactWriteItems, 100 actions',
  'single bare': 'ceiling: bare Fastify + SDK, POST /v2/groups',
  'batch bare': 'ceiling: bare Fastify + SDK, POST /v2/groups/batch',
}
interface Run {
  kind: Kind
  round: number
  tenantId: string
  seconds: number
  /** CPU time of the process doing the work (the app's; this one's for raw writes), per group. */
  cpuMicros: number
  counted: number
}

// A hard bound on the whole run; exiting also kills the app and DynamoDB Local.
setTimeout(() => {
  console.error(`bench:import did not finish within ${OVERALL_TIMEOUT_MS / 60_000} minutes`)
  process.exit(1)
}, OVERALL_TIMEOUT_MS).unref()

const table = await startBenchTable()
const logDir = await mkdtemp(join(tmpdir(), 'tessera-bench-import-'))
const profileDir = process.env.BENCH_IMPORT_CPU_PROF
const profileFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
try {
  const server = await spawnServer({
    nodeArgs: ['--import', 'tsx', ...profileFlags, 'src/server.ts'],
    env: appEnvironment(table, APP_SETTINGS),
    readyPath: '/health/ready',
    logFile: join(logDir, 'app.log'),
  })
  const bare = ceiling
    ? await spawnServer({
        nodeArgs: ['--import', 'tsx', 'scripts/bench/bare-import-server.ts'],
        env: appEnvironment(table, APP_SETTINGS),
        readyPath: '/ready',
      })
    : undefined
  const app = appClient(server.baseUrl, CONCURRENCY)
  const bareApp = bare && appClient(bare.baseUrl, CONCURRENCY)
  const client = createDynamoDbClient({
    ...table.clientSettings,
    requestTimeoutMs: DYNAMODB_REQUEST_TIMEOUT_MS,
  })
  try {
    const batchConcurrency = table.clientSettings.batchConcurrency
    const batchRequests = Math.max(1, Math.floor(CONCURRENCY / batchConcurrency))
    console.log(
      `Bulk import: ${formatCount(GROUPS)} groups per import, the app against the SDK alone, ${ROUNDS} round(s), alternating`,
    )
    console.log(
      `Node ${process.version}; the app in a child process with production settings; DynamoDB Local in memory`,
    )
    console.log(
      `DynamoDB calls in flight: ${CONCURRENCY} — ${CONCURRENCY} single POSTs; ${batchRequests} batch POSTs × ${batchConcurrency} transactions (BATCH_CONCURRENCY); ${CONCURRENCY} raw transactions\n`,
    )
    const runId = ulid().toLowerCase().slice(-10)
    const bodies = Array.from({ length: GROUPS }, (_, i) => groupBody(i))
    const authorization = (tenantId: string) => ({
      authorization: `Bearer ${table.token(tenantId, SUBJECT)}`,
    })
    const headersFor = (to: AppClient) =>
      to === app ? authorization : (tenantId: string) => ({ 'x-tenant-id': tenantId })

    const single = (to: AppClient) => (tenantId: string, count: number) => () =>
      boundedAll(count, CONCURRENCY, (i) => to.post('/v2/groups', headersFor(to)(tenantId), bodies[i], 201))
    const batch = (to: AppClient) => (tenantId: string, count: number) => () =>
      boundedAll(Math.ceil(count / BATCH_SIZE), batchRequests, async (request) => {
        const items = bodies.slice(request * BATCH_SIZE, Math.min(count, (request + 1) * BATCH_SIZE))
        const { data } = (await to.post('/v2/groups/batch', headersFor(to)(tenantId), { items }, 200)) as {
          data: { id?: string }[]
        }
        const failed = data.filter((outcome) => outcome.id === undefined)
        ok(
          data.length === items.length && failed.length === 0,
          `batch ${request}: ${JSON.stringify(failed[0])}`,
        )
      })
    const raw = (perTransaction: number) => (tenantId: string, count: number) => {
      const creates = createActions(table.tableName, tenantId, SUBJECT, bodies.slice(0, count))
      // Built before the clock starts: the SDK alone sends items it already has.
      return () => writeRaw(client, creates, perTransaction, CONCURRENCY)
    }
    const work: Record<Kind, (tenantId: string, count: number) => () => Promise<unknown>> = {
      'single app': single(app),
      'batch app': batch(app),
      'single raw': raw(1),
      'batch raw': raw(CREATES_PER_TRANSACTION),
      'single bare': single(bareApp ?? app),
      'batch bare': batch(bareApp ?? app),
    }

    // The raw side writes what the app writes: compared on one create of the same body.
    const checkTenant = `bench-check-${runId}`
    const { data } = (await app.post('/v2/groups', authorization(checkTenant), bodies[0], 201)) as {
      data: { id: string }
    }
    const [rawCreate] = createActions(table.tableName, checkTenant, SUBJECT, bodies.slice(0, 1))
    await assertSameItems(client, table.tableName, checkTenant, data.id, rawCreate ?? [])

    for (const kind of KINDS)
      await work[kind](`bench-warmup-${kind.replace(' ', '-')}-${runId}`, WARMUP_GROUPS)()

    const runs: Run[] = []
    for (let round = 1; round <= ROUNDS; round++) {
      for (const kind of round % 2 === 1 ? KINDS : [...KINDS].reverse()) {
        const tenantId = `bench-${kind.replace(' ', '-')}-${round}-${runId}`
        const run = work[kind](tenantId, GROUPS)
        const child = kind.endsWith('app') ? server : kind.endsWith('bare') ? bare : undefined
        const childCpu = await child?.cpuMicros()
        const ownCpu = process.cpuUsage()
        const started = performance.now()
        await run()
        const seconds = (performance.now() - started) / 1000
        const { user, system } = process.cpuUsage(ownCpu)
        const cpu = child ? (await child.cpuMicros()) - (childCpu ?? 0) : user + system
        runs.push({ kind, round, tenantId, seconds, cpuMicros: cpu / GROUPS, counted: 0 })
      }
    }
    for (const run of runs) run.counted = await countGroups(client, table.tableName, run.tenantId)

    const medianOf = (kind: Kind, value: (run: Run) => number) =>
      median(runs.filter((run) => run.kind === kind).map(value))
    const rate = (kind: Kind) => medianOf(kind, (run) => GROUPS / run.seconds)
    const rows = runs.map((run) => [
      String(run.round),
      TITLES[run.kind],
      run.seconds.toFixed(2),
      formatCount(GROUPS / run.seconds),
      run.cpuMicros.toFixed(0),
      formatCount(run.counted),
    ])
    for (const kind of KINDS)
      rows.push([
        'median',
        TITLES[kind],
        '',
        formatCount(rate(kind)),
        medianOf(kind, (run) => run.cpuMicros).toFixed(0),
        '',
      ])
    printTable(
      ['round', 'import', 'seconds', 'groups/s', 'CPU µs/group (app; this process for SDK)', 'on gsi3'],
      rows,
      2,
    )

    const missing = runs.filter((run) => run.counted !== GROUPS)
    ok(
      missing.length === 0,
      `groups missing: ${missing.map((run) => `${run.tenantId} has ${run.counted}`).join(', ')}`,
    )
    console.log(`\nall ${formatCount(GROUPS)} groups of each of the ${runs.length} imports counted on gsi3`)
    if (path === undefined)
      console.log(
        `batch / single (app, information only): ${formatRatio(rate('batch app') / rate('single app'))}`,
      )
    for (const which of ceiling
      ? (['batch', 'single'] as const).filter((p) => KINDS.includes(`${p} bare`))
      : [])
      console.log(
        `${which}, ceiling (information): bare Fastify + SDK / raw ${formatRatio(rate(`${which} bare`) / rate(`${which} raw`))}; app / bare ${formatRatio(rate(`${which} app`) / rate(`${which} bare`))}`,
      )
    console.log('')
    const target = (path: 'batch' | 'single', what: string) => {
      const ratio = rate(`${path} app`) / rate(`${path} raw`)
      return {
        target: `bulk: ${what} (groups/s)`,
        measured: `${formatCount(rate(`${path} app`))} / ${formatCount(rate(`${path} raw`))} = ${formatRatio(ratio)}`,
        goal: `≥ ${TARGET_RATIO}×`,
        met: ratio >= TARGET_RATIO,
      }
    }
    reportTargets([
      ...(path === 'single' ? [] : [target('batch', 'batch route / raw 100-action transactions')]),
      ...(path === 'batch' ? [] : [target('single', 'single POSTs / raw 2-action transactions')]),
    ])
  } finally {
    app.close()
    bareApp?.close()
    client.destroy()
    await server.stop()
    await bare?.stop()
  }
} finally {
  if (!process.env.BENCH_IMPORT_KEEP_LOGS) await rm(logDir, { recursive: true, force: true })
  await table.stop()
}
