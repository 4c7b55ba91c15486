// Part 1 of `bench:http`: the hot path, GET /v2/groups/{id} answered from the item cache with a
// real token and a log line per request, against a bare Fastify hello-world. Both are child
// processes with the same Node flags, loaded by autocannon with the same connections and duration,
// in alternating rounds.
import { ok } from 'node:assert/strict'
import { join } from 'node:path'
import type { BenchTable } from './bench-server.js'
import { type ChildServer, spawnServer } from './child-server.js'
import {
  assertReadable,
  authorization,
  COMPARED_NODE_FLAGS,
  completedRequestLines,
  createGroups,
  HELLO_ENTRY,
  metricSum,
  spawnApp,
  type TargetResult,
} from './http-app.js'
import { httpLoad, type Throughput } from './load.js'
import { formatCount, formatRatio, median, printTable } from './measure.js'

const CONNECTIONS = 50
const WARMUP_SECONDS = 3
const ROUND_SECONDS = 10
const ROUNDS = 3
const TARGET_RATIO = 0.5
/** Longer than the whole part: every read of the group after the first is a cache hit. */
const CACHE_TTL_MS = 600_000

export async function hotPath(table: BenchTable, logDir: string): Promise<TargetResult> {
  console.log(
    `1. Hot path: cached GET /v2/groups/{id} vs bare Fastify; ${CONNECTIONS} connections, ${ROUNDS} rounds × ${ROUND_SECONDS} s, alternating`,
  )
  const logFile = join(logDir, 'hot-path.log')
  const servers: ChildServer[] = []
  try {
    const app = await spawnApp(table, {
      nodeFlags: COMPARED_NODE_FLAGS,
      logFile,
      env: { CACHE_TTL_MS: String(CACHE_TTL_MS) },
    })
    servers.push(app)
    const hello = await spawnServer({
      nodeArgs: [...COMPARED_NODE_FLAGS, HELLO_ENTRY],
      env: { NODE_ENV: 'production' },
      readyPath: '/',
    })
    servers.push(hello)

    const headers = authorization(table, 'bench-hot-path')
    const [id] = await createGroups(app.baseUrl, headers, 1)
    ok(id)
    await assertReadable(app.baseUrl, headers, id)
    const loads = {
      app: { baseUrl: app.baseUrl, requests: [{ path: `/v2/groups/${id}`, headers }] },
      hello: { baseUrl: hello.baseUrl, requests: [{ path: '/' }] },
    }
    type Side = keyof typeof loads
    const serverOf: Record<Side, ChildServer> = { app, hello }
    /** A load, and the server's CPU time per request during it. */
    const run = async (side: Side, seconds: number) => {
      const cpuBefore = await serverOf[side].cpuMicros()
      const result = await httpLoad({ ...loads[side], connections: CONNECTIONS, durationSeconds: seconds })
      const cpuPerRequest = ((await serverOf[side].cpuMicros()) - cpuBefore) / result.completed
      return { ...result, cpuPerRequest }
    }

    await run('hello', WARMUP_SECONDS)
    await run('app', WARMUP_SECONDS)
    const hitsBefore = await metricSum(app.baseUrl, 'cache_hits_total')
    type Sample = Throughput & { cpuPerRequest: number }
    const samples: { round: number; side: Side; result: Sample }[] = []
    for (let round = 1; round <= ROUNDS; round++) {
      const order: Side[] = round % 2 === 1 ? ['app', 'hello'] : ['hello', 'app']
      for (const side of order) samples.push({ round, side, result: await run(side, ROUND_SECONDS) })
    }
    const hits = (await metricSum(app.baseUrl, 'cache_hits_total')) - hitsBefore

    const medianOf = (side: Side, value: (result: Sample) => number = (result) => result.perSecond) =>
      median(samples.filter((sample) => sample.side === side).map((sample) => value(sample.result)))
    const titles: Record<Side, string> = {
      app: 'tessera GET /v2/groups/{id} (cached)',
      hello: 'bare Fastify GET / (hello world)',
    }
    const rows = samples.map(({ round, side, result }) => [
      String(round),
      titles[side],
      formatCount(result.perSecond),
      `${result.p50Ms}`,
      `${result.p99Ms}`,
      result.cpuPerRequest.toFixed(0),
    ])
    for (const side of ['app', 'hello'] as const)
      rows.push([
        'median',
        titles[side],
        formatCount(medianOf(side)),
        '',
        '',
        medianOf(side, (result) => result.cpuPerRequest).toFixed(0),
      ])
    printTable(['round', 'server', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req'], rows, 2)

    const appRequests = samples
      .filter((sample) => sample.side === 'app')
      .reduce((sum, sample) => sum + sample.result.completed, 0)
    await servers[0]?.stop()
    const logged = await completedRequestLines(logFile)
    console.log(
      `app: ${formatCount(appRequests)} timed requests, ${formatCount(hits)} cache hits in them; ${formatCount(logged)} "request completed" lines at info in its log file (with set-up and warm-up)`,
    )
    ok(hits >= appRequests, 'every timed read should have been a cache hit')
    ok(logged >= appRequests, 'every request should have been logged')

    const ratio = medianOf('app') / medianOf('hello')
    console.log(`ratio (medians): ${formatRatio(ratio)}; target ≥ ${TARGET_RATIO}\n`)
    return {
      target: 'hot path: cached GET / bare Fastify (req/s)',
      measured: `${formatCount(medianOf('app'))} / ${formatCount(medianOf('hello'))} = ${formatRatio(ratio)}`,
      goal: `≥ ${TARGET_RATIO}×`,
      met: ratio >= TARGET_RATIO,
    }
  } finally {
    for (const server of servers) await server.stop()
  }
}
