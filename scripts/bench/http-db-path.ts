// Part 2 of `bench:http`: the DB-bound path, GET /v2/groups/{id} with the item cache off (every
// request reads DynamoDB), against raw SDK GetCommand calls for the same item on the same
// DynamoDB Local, with the same number in flight, in alternating rounds.
import { ok } from 'node:assert/strict'
import { join } from 'node:path'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { Group, keyOf } from '../../src/models/index.js'
import { alternatingRounds, completedBy, medianOf, printRounds } from './alternating-rounds.js'
import type { BenchTable } from './bench-server.js'
import {
  assertReadable,
  authorization,
  COMPARED_NODE_FLAGS,
  createGroups,
  metricSum,
  spawnApp,
  type TargetResult,
} from './http-app.js'
import { httpLoad, loopLoad } from './load.js'
import { formatCount, formatRatio } from './measure.js'

/** HTTP connections, and SDK calls in flight (below the SDK's pool of DYNAMODB_MAX_SOCKETS, 50). */
const CONCURRENCY = 32
// DynamoDB Local is a JVM: it needs some seconds of reads before its speed settles.
const WARMUP_SECONDS = 5
const ROUND_SECONDS = 5
const ROUNDS = 5
const TARGET_RATIO = 0.9

export async function dbPath(table: BenchTable, logDir: string): Promise<TargetResult> {
  console.log(
    `2. DB-bound path: uncached GET /v2/groups/{id} vs SDK GetCommand; ${CONCURRENCY} in flight, ${ROUNDS} rounds × ${ROUND_SECONDS} s, alternating`,
  )
  const app = await spawnApp(table, {
    nodeFlags: COMPARED_NODE_FLAGS,
    logFile: join(logDir, 'db-path.log'),
    env: { CACHE_TTL_MS: '0' },
  })
  try {
    const tenantId = 'bench-db-path'
    const headers = authorization(table, tenantId)
    const [id] = await createGroups(app.baseUrl, headers, 1)
    ok(id)
    await assertReadable(app.baseUrl, headers, id)
    const get = new GetCommand({ TableName: table.tableName, Key: keyOf(Group, 'primary', { tenantId, id }) })
    const { Item } = await table.document.send(get)
    ok(Item?.id === id, 'the SDK should read the same group')

    // Each reader's throughput, and the CPU time per read of the process that reads: the app's, or
    // this one's for the SDK loop (autocannon, which also runs here, is idle then).
    const runs = {
      app: async (seconds: number) => {
        const cpuBefore = await app.cpuMicros()
        const result = await httpLoad({
          baseUrl: app.baseUrl,
          connections: CONCURRENCY,
          durationSeconds: seconds,
          requests: [{ path: `/v2/groups/${id}`, headers }],
        })
        return { ...result, cpuMicrosPerCall: ((await app.cpuMicros()) - cpuBefore) / result.completed }
      },
      sdk: async (seconds: number) => {
        const cpuBefore = process.cpuUsage()
        const result = await loopLoad(() => table.document.send(get), {
          concurrency: CONCURRENCY,
          durationSeconds: seconds,
        })
        const { user, system } = process.cpuUsage(cpuBefore)
        return { ...result, cpuMicrosPerCall: (user + system) / result.completed }
      },
    }
    await runs.sdk(WARMUP_SECONDS)
    await runs.app(WARMUP_SECONDS)
    const readsBefore = await appGetItemCalls(app.baseUrl)
    const samples = await alternatingRounds(runs, ['app', 'sdk'], {
      rounds: ROUNDS,
      roundSeconds: ROUND_SECONDS,
    })
    const reads = (await appGetItemCalls(app.baseUrl)) - readsBefore
    const hits = await metricSum(app.baseUrl, 'cache_hits_total')

    printRounds(
      samples,
      { app: 'tessera GET /v2/groups/{id} (uncached, autocannon)', sdk: 'SDK GetCommand loop, same item' },
      { side: 'reader', rate: 'reads/s', cpu: 'reader CPU µs/read' },
    )

    const appRequests = completedBy(samples, 'app')
    console.log(
      `app: ${formatCount(appRequests)} timed requests, ${formatCount(reads)} GetItem calls to DynamoDB in them, ${formatCount(hits)} cache hits`,
    )
    ok(reads >= appRequests && hits === 0, 'every timed request should have read DynamoDB')

    const ratio = medianOf(samples, 'app') / medianOf(samples, 'sdk')
    console.log(`ratio (medians): ${formatRatio(ratio)}; target ≥ ${TARGET_RATIO}\n`)
    return {
      target: 'DB-bound: uncached GET / SDK GetCommand (reads/s)',
      measured: `${formatCount(medianOf(samples, 'app'))} / ${formatCount(medianOf(samples, 'sdk'))} = ${formatRatio(ratio)}`,
      goal: `≥ ${TARGET_RATIO}×`,
      met: ratio >= TARGET_RATIO,
    }
  } finally {
    await app.stop()
  }
}

/** Successful GetItem calls the app has made, from its DynamoDB call histogram. */
function appGetItemCalls(baseUrl: string): Promise<number> {
  return metricSum(baseUrl, 'dynamodb_call_duration_seconds_count', {
    operation: 'GetItem',
    outcome: 'success',
  })
}
