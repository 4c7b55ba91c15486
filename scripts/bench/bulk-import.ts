// `npm run bench:import`: 10,000 groups imported through `POST /v2/groups/batch` against 10,000
// single `POST /v2/groups`, over real HTTP to the real app on DynamoDB Local, each import into a
// tenant of its own, in a few alternating rounds; then every tenant is counted through gsi3 to
// prove that all of its groups were written. `-- --quick`: 200 groups in batches of 100, one round
// (for CI).
import { ok } from 'node:assert/strict'
import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import { Command } from 'commander'
import { ulid } from 'ulid'
import { Group, keyOf, layoutOf } from '../../src/models/index.js'
import { type BenchServer, startBenchServer } from './bench-server.js'
import { formatCount, formatRatio, median, printTable } from './measure.js'

const { quick } = new Command('bench:import')
  .option('--quick', '200 groups in batches of 100, one round', false)
  .parse()
  .opts<{ quick: boolean }>()
const GROUPS = quick ? 200 : 10_000
const BATCH_SIZE = quick ? 100 : 1_000
/** DynamoDB writes in flight at most, for both imports. */
const CONCURRENCY = 32
// DynamoDB Local is a JVM: it needs a few thousand writes of each kind before its speed settles.
const WARMUP_SINGLE = quick ? 100 : 2_000
const WARMUP_BATCHES = quick ? 1 : 5
const REQUEST_TIMEOUT_MS = 60_000
const OVERALL_TIMEOUT_MS = 20 * 60_000
const TARGET_SPEEDUP = 5
const ROUNDS = quick ? 1 : 3

interface Run {
  kind: 'single' | 'batch'
  round: number
  tenantId: string
  requests: number
  seconds: number
  /** Groups found on gsi3 afterwards. */
  counted: number
}

// A hard bound on the whole run; exiting also kills DynamoDB Local (see scripts/dynamodb-local.ts).
setTimeout(() => {
  console.error(`bulk-import did not finish within ${OVERALL_TIMEOUT_MS / 60_000} minutes`)
  process.exit(1)
}, OVERALL_TIMEOUT_MS).unref()

const server = await startBenchServer()
try {
  const runId = ulid().toLowerCase().slice(-10)
  console.log(`Bulk import: ${formatCount(GROUPS)} groups, batch vs single POST, ${ROUNDS} rounds`)
  console.log(`Node ${process.version}; app on ${server.baseUrl}; DynamoDB Local in memory`)
  console.log(
    `in flight at most: ${CONCURRENCY} single POSTs; ${batchConcurrency(server)} batch POSTs × ${server.config.dynamodb.batchConcurrency} DynamoDB write calls each (BATCH_CONCURRENCY)\n`,
  )
  await warmUp(server, `bench-warmup-${runId}`)

  const runs: Run[] = []
  for (let round = 1; round <= ROUNDS; round++) {
    // Each import goes to a tenant of its own; the order alternates so that neither always runs
    // on the emptier table or the fresher process.
    const single = () => importSingly(server, `bench-single-${round}-${runId}`, round)
    const batch = () => importInBatches(server, `bench-batch-${round}-${runId}`, round)
    for (const run of round % 2 === 1 ? [single, batch] : [batch, single]) runs.push(await run())
  }
  for (const run of runs) run.counted = await countGroups(server, run.tenantId)

  const medianSeconds = (kind: Run['kind']) =>
    median(runs.filter((run) => run.kind === kind).map((run) => run.seconds))
  const rows = runs.map((run) => [
    String(run.round),
    run.kind === 'single'
      ? 'single POST /v2/groups'
      : `batch POST /v2/groups/batch (${formatCount(BATCH_SIZE)} per request)`,
    formatCount(run.requests),
    run.seconds.toFixed(2),
    formatCount(GROUPS / run.seconds),
    formatCount(run.counted),
  ])
  for (const kind of ['single', 'batch'] as const) {
    const seconds = medianSeconds(kind)
    rows.push(['median', kind, '', seconds.toFixed(2), formatCount(GROUPS / seconds), ''])
  }
  printTable(['round', 'import', 'requests', 'seconds', 'groups/s', 'counted on gsi3'], rows, 2)

  const speedup = medianSeconds('single') / medianSeconds('batch')
  console.log('')
  console.log(
    `batch / single (medians): ${formatRatio(speedup)} faster; target ≥ ${TARGET_SPEEDUP}×: ${speedup >= TARGET_SPEEDUP ? 'met' : 'MISSED'}`,
  )
  const missing = runs.filter((run) => run.counted !== GROUPS)
  ok(
    missing.length === 0,
    `groups missing from the table: ${missing.map((run) => `${run.tenantId} has ${run.counted}`).join(', ')}`,
  )
  console.log(`all ${formatCount(GROUPS)} groups of each of the ${runs.length} imports counted on gsi3`)
} finally {
  await server.stop()
}

/** Some of each kind of request first (in a tenant of its own), so neither run pays for warming up. */
async function warmUp(server: BenchServer, tenantId: string): Promise<void> {
  const authorization = `Bearer ${server.token(tenantId, 'warmup')}`
  await boundedAll(WARMUP_SINGLE, CONCURRENCY, (i) =>
    post(server, '/v2/groups', authorization, groupBody(i), 201),
  )
  await boundedAll(WARMUP_BATCHES, batchConcurrency(server), (i) =>
    post(server, '/v2/groups/batch', authorization, { items: groupBodies(i * BATCH_SIZE, BATCH_SIZE) }, 200),
  )
}

async function importSingly(server: BenchServer, tenantId: string, round: number): Promise<Run> {
  const authorization = `Bearer ${server.token(tenantId, 'importer')}`
  const started = performance.now()
  await boundedAll(GROUPS, CONCURRENCY, (i) => post(server, '/v2/groups', authorization, groupBody(i), 201))
  const seconds = (performance.now() - started) / 1000
  return { kind: 'single', round, tenantId, requests: GROUPS, seconds, counted: 0 }
}

async function importInBatches(server: BenchServer, tenantId: string, round: number): Promise<Run> {
  const authorization = `Bearer ${server.token(tenantId, 'importer')}`
  const requests = Math.ceil(GROUPS / BATCH_SIZE)
  const started = performance.now()
  await boundedAll(requests, batchConcurrency(server), async (i) => {
    const items = groupBodies(i * BATCH_SIZE, Math.min(BATCH_SIZE, GROUPS - i * BATCH_SIZE))
    const { data } = (await post(server, '/v2/groups/batch', authorization, { items }, 200)) as {
      data: { index: number; id?: string; error?: unknown }[]
    }
    const failed = data.filter((outcome) => outcome.id === undefined)
    if (data.length !== items.length || failed.length > 0)
      throw new Error(
        `batch ${i}: ${failed.length} of ${items.length} not written: ${JSON.stringify(failed[0])}`,
      )
  })
  const seconds = (performance.now() - started) / 1000
  return { kind: 'batch', round, tenantId, requests, seconds, counted: 0 }
}

/**
 * Batch POSTs in flight at once. The app writes each batch with BATCH_CONCURRENCY DynamoDB write
 * calls in parallel, so this keeps the DynamoDB calls in flight within the same bound as the single
 * POSTs — one run does not get to pile more work onto DynamoDB Local at once than the other.
 */
function batchConcurrency(server: BenchServer): number {
  return Math.max(1, Math.floor(CONCURRENCY / server.config.dynamodb.batchConcurrency))
}

/**
 * Counts a tenant's groups with a paginated COUNT query on gsi3 (a tenant's groups by creation
 * time); the filter keeps any other model that might share the partition out of the count.
 */
async function countGroups(server: BenchServer, tenantId: string): Promise<number> {
  const { pk } = keyOf(Group, 'gsi3', { tenantId })
  let count = 0
  let startKey: Record<string, unknown> | undefined
  do {
    const page = await server.document.send(
      new QueryCommand({
        TableName: server.tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: '#model = :model',
        ExpressionAttributeNames: { '#pk': 'gsi3_pk', '#model': 'model_name' },
        ExpressionAttributeValues: { ':pk': pk, ':model': layoutOf(Group).modelName },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    )
    count += page.Count ?? 0
    startKey = page.LastEvaluatedKey
  } while (startKey)
  return count
}

async function post(
  server: BenchServer,
  path: string,
  authorization: string,
  body: unknown,
  expectedStatus: number,
): Promise<unknown> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  const payload = await response.json()
  if (response.status !== expectedStatus)
    throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(payload)}`)
  return payload
}

/** Runs task(0..count-1) with at most `concurrency` in flight; the first failure stops the rest. */
async function boundedAll(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0
  let failure: unknown
  const worker = async () => {
    while (failure === undefined && next < count) {
      const index = next++
      try {
        await task(index)
      } catch (error) {
        failure ??= error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  if (failure !== undefined) throw failure
}

function groupBodies(first: number, count: number) {
  return Array.from({ length: count }, (_, i) => groupBody(first + i))
}

function groupBody(i: number) {
  return {
    name: `Imported group ${i}`,
    groupType: ['book-club', 'team', 'project'][i % 3],
    description: `Group number ${i}, imported by the bulk-import benchmark.`,
    icon: 'book',
    color: '#3366ff',
    privacySettings: { visibility: i % 2 === 0 ? 'tenant' : 'private' },
  }
}
