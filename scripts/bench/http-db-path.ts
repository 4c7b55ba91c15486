// Part 2 of `bench:http`: the DB-bound path, GET /v2/groups/{id} with the item cache off (every
// request reads DynamoDB), against raw SDK GetItem calls for the same item on the same DynamoDB
// Local, with the same number in flight, in alternating rounds. The raw calls use the app's client
// settings (socket pool, timeouts, retries) and otherwise the SDK's defaults. Targets: the app's
// median at least the SDK loop's, and in no round below 0.9 of it. A third reader, shown
// for comparison and not part of the target, is the SDK set up as the app's data client (see
// createDataClient: its middleware cache and reused signer, without the app's call metrics), so the
// app's own cost over the SDK can be read off too.
import { ok } from 'node:assert/strict'
import { join } from 'node:path'
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import { createDataClient } from '../../src/db/dynamodb-client.js'
import { getItemParams } from '../../src/db/params.js'
import { getItemInput } from '../../src/db/wire.js'
import { Group, keyOf } from '../../src/models/index.js'
import { alternatingRounds, completedBy, medianOf, printRounds, type Sample } from './alternating-rounds.js'
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
import { checkGolden } from './http-golden.js'
import { httpLoad, loopLoad } from './load.js'
import { formatCount, formatRatio } from './measure.js'

/** HTTP connections, and SDK calls in flight (below the SDK's pool of DYNAMODB_MAX_SOCKETS, 50). */
const CONCURRENCY = 32
type Reader = 'app' | 'sdk' | 'sdkCached'
// DynamoDB Local is a JVM: it needs some seconds of reads before its speed settles, and so does the
// app, which has far more code to compile than a loop of SDK calls (with 5 s its first round was
// still the slowest of five).
const FULL = { warmupSeconds: 10, roundSeconds: 5, rounds: 5 }
const QUICK = { warmupSeconds: 1, roundSeconds: 1, rounds: 1 }
/** The app against the SDK loop: the medians' ratio, and the ratio in its worst round. */
const TARGET_RATIO = 1.0
const TARGET_LOWEST_ROUND = 0.9

export async function dbPath(table: BenchTable, logDir: string, quick = false): Promise<TargetResult[]> {
  const { warmupSeconds, roundSeconds, rounds } = quick ? QUICK : FULL
  console.log(
    `2. DB-bound path: uncached GET /v2/groups/{id} vs raw SDK GetItem; ${CONCURRENCY} in flight, ${rounds} rounds × ${roundSeconds} s, alternating`,
  )
  const logFile = join(logDir, 'db-path.log')
  const app = await spawnApp(table, {
    nodeFlags: COMPARED_NODE_FLAGS,
    logFile,
    env: { CACHE_TTL_MS: '0' },
  })
  try {
    const tenantId = 'bench-db-path'
    const headers = authorization(table, tenantId)
    const [id] = await createGroups(app.baseUrl, headers, 1)
    ok(id)
    await assertReadable(app.baseUrl, headers, id)
    await checkGolden('db-path', {
      baseUrl: app.baseUrl,
      path: `/v2/groups/${id}`,
      headers,
      logFile,
      known: { id, tenantId, table: table.tableName },
    })
    const get = new GetItemCommand(
      getItemInput(getItemParams(table.tableName, keyOf(Group, 'primary', { tenantId, id }), false)),
    )
    // On the bench client's sockets, which go when the table stops (destroying it would close them).
    const cachingClient = createDataClient(table.clientSettings, table.client)
    for (const client of [table.client, cachingClient]) {
      const { Item } = await client.send(get)
      ok(Item && unmarshall(Item).id === id, 'the SDK should read the same group')
    }
    /** A loop of GetItem calls on `client`, and this process's CPU time per call. */
    const sdkLoop = (client: DynamoDBClient) => async (seconds: number) => {
      const cpuBefore = process.cpuUsage()
      const result = await loopLoad(() => client.send(get), {
        concurrency: CONCURRENCY,
        durationSeconds: seconds,
      })
      const { user, system } = process.cpuUsage(cpuBefore)
      return { ...result, cpuMicrosPerCall: (user + system) / result.completed }
    }

    // Each reader's throughput, and the CPU time per read of the process that reads: the app's, or
    // this one's for the SDK loops (autocannon, which also runs here, is idle then).
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
      sdk: sdkLoop(table.client),
      sdkCached: sdkLoop(cachingClient),
    }
    await runs.sdk(warmupSeconds)
    await runs.sdkCached(warmupSeconds)
    await runs.app(warmupSeconds)
    const readsBefore = await appGetItemCalls(app.baseUrl)
    const samples = await alternatingRounds(runs, ['app', 'sdk', 'sdkCached'], {
      rounds,
      roundSeconds,
    })
    const reads = (await appGetItemCalls(app.baseUrl)) - readsBefore
    const hits = await metricSum(app.baseUrl, 'cache_hits_total')

    printRounds(
      samples,
      {
        app: 'tessera GET /v2/groups/{id} (uncached, autocannon)',
        sdk: 'SDK GetItem loop, same item',
        sdkCached: 'SDK GetItem loop, set up as the data client (not the target)',
      },
      { side: 'reader', rate: 'reads/s', cpu: 'reader CPU µs/read' },
    )

    const appRequests = completedBy(samples, 'app')
    console.log(
      `app: ${formatCount(appRequests)} timed requests, ${formatCount(reads)} GetItem calls to DynamoDB in them, ${formatCount(hits)} cache hits`,
    )
    ok(reads >= appRequests && hits === 0, 'every timed request should have read DynamoDB')

    const ratio = medianOf(samples, 'app') / medianOf(samples, 'sdk')
    const cachedRatio = medianOf(samples, 'app') / medianOf(samples, 'sdkCached')
    const lowest = lowestRound(samples)
    console.log(
      `ratio (medians): ${formatRatio(ratio)}; target ≥ ${TARGET_RATIO.toFixed(1)}. Lowest round (${lowest.round}): ${formatRatio(lowest.ratio)}; target ≥ ${TARGET_LOWEST_ROUND}. Against the SDK set up as the data client: ${formatRatio(cachedRatio)}\n`,
    )
    return [
      {
        target: 'DB-bound: uncached GET / SDK GetItem (reads/s, medians)',
        measured: `${formatCount(medianOf(samples, 'app'))} / ${formatCount(medianOf(samples, 'sdk'))} = ${formatRatio(ratio)}`,
        goal: `≥ ${TARGET_RATIO.toFixed(1)}×`,
        met: ratio >= TARGET_RATIO,
      },
      {
        target: 'DB-bound: uncached GET / SDK GetItem, lowest round',
        measured: `round ${lowest.round}: ${formatRatio(lowest.ratio)}`,
        goal: `≥ ${TARGET_LOWEST_ROUND}×`,
        met: lowest.ratio >= TARGET_LOWEST_ROUND,
      },
    ]
  } finally {
    await app.stop()
  }
}

/** The round in which the app's reads/s were the smallest share of the SDK loop's. */
function lowestRound(samples: readonly Sample<Reader>[]): { round: number; ratio: number } {
  let lowest = { round: 0, ratio: Number.POSITIVE_INFINITY }
  for (const { round, side, result } of samples) {
    if (side !== 'app') continue
    const sdk = samples.find((sample) => sample.round === round && sample.side === 'sdk')
    const ratio = sdk ? result.perSecond / sdk.result.perSecond : Number.NaN
    if (!(ratio >= lowest.ratio)) lowest = { round, ratio }
  }
  return lowest
}

/** Successful GetItem calls the app has made, from its DynamoDB call histogram. */
function appGetItemCalls(baseUrl: string): Promise<number> {
  return metricSum(baseUrl, 'dynamodb_call_duration_seconds_count', {
    operation: 'GetItem',
    outcome: 'success',
  })
}
