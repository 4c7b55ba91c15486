// Part 1 of `bench:http`: the hot path, GET /v2/groups/{id} answered from the item cache with a
// real token and a log line per request, against a bare Fastify hello-world and against bare
// Fastify sending the app's own answer (its headers and body, fixed): the second tells the cost of
// the size of that answer apart from the work of producing it. Each has a target. All are child
// processes with the same Node flags, loaded by autocannon with the same connections and duration,
// in alternating rounds.
import { ok } from 'node:assert/strict'
import { join } from 'node:path'
import { alternatingRounds, completedBy, medianOf, printRounds } from './alternating-rounds.js'
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
import { checkGolden } from './http-golden.js'
import { httpLoad } from './load.js'
import { formatCount, formatRatio } from './measure.js'

const CONNECTIONS = 50
const FULL = { warmupSeconds: 3, roundSeconds: 10, rounds: 3 }
const QUICK = { warmupSeconds: 1, roundSeconds: 1, rounds: 1 }
/** Cached GET / hello world, and cached GET / the server sending the same answer. */
const TARGETS = { hello: 0.4, sameAnswer: 0.5 }
/** Longer than the whole part: every read of the group after the first is a cache hit. */
const CACHE_TTL_MS = 600_000

export async function hotPath(table: BenchTable, logDir: string, quick = false): Promise<TargetResult[]> {
  const { warmupSeconds, roundSeconds, rounds } = quick ? QUICK : FULL
  console.log(
    `1. Hot path: cached GET /v2/groups/{id} vs bare Fastify; ${CONNECTIONS} connections, ${rounds} rounds × ${roundSeconds} s, alternating`,
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
    const answer = await assertReadable(app.baseUrl, headers, id)
    await checkGolden('hot-path', {
      baseUrl: app.baseUrl,
      path: `/v2/groups/${id}`,
      headers,
      logFile,
      known: { id, tenantId: 'bench-hot-path', table: table.tableName },
    })
    const sameAnswer = await spawnServer({
      nodeArgs: [...COMPARED_NODE_FLAGS, HELLO_ENTRY],
      env: { NODE_ENV: 'production', BENCH_RESPONSE: JSON.stringify(answer) },
      readyPath: '/',
    })
    servers.push(sameAnswer)
    // The ceiling of what is left, not a target: the same app and read without the two features
    // that config can switch off, the request's log line and usage metering.
    const unlogged = await spawnApp(table, {
      nodeFlags: COMPARED_NODE_FLAGS,
      env: { CACHE_TTL_MS: String(CACHE_TTL_MS), LOG_LEVEL: 'warn', USAGE_FLUSH_SECONDS: '0' },
    })
    servers.push(unlogged)
    await assertReadable(unlogged.baseUrl, headers, id)

    const loads = {
      app: { baseUrl: app.baseUrl, requests: [{ path: `/v2/groups/${id}`, headers }] },
      hello: { baseUrl: hello.baseUrl, requests: [{ path: '/' }] },
      sameAnswer: { baseUrl: sameAnswer.baseUrl, requests: [{ path: '/' }] },
      unlogged: { baseUrl: unlogged.baseUrl, requests: [{ path: `/v2/groups/${id}`, headers }] },
    }
    type Side = keyof typeof loads
    const serverOf: Record<Side, ChildServer> = { app, hello, sameAnswer, unlogged }
    /** A load, and the server's CPU time per request during it. */
    const run = (side: Side) => async (seconds: number) => {
      const cpuBefore = await serverOf[side].cpuMicros()
      const result = await httpLoad({ ...loads[side], connections: CONNECTIONS, durationSeconds: seconds })
      const cpuMicrosPerCall = ((await serverOf[side].cpuMicros()) - cpuBefore) / result.completed
      return { ...result, cpuMicrosPerCall }
    }
    const runs = {
      app: run('app'),
      hello: run('hello'),
      sameAnswer: run('sameAnswer'),
      unlogged: run('unlogged'),
    }

    await runs.hello(warmupSeconds)
    await runs.sameAnswer(warmupSeconds)
    await runs.app(warmupSeconds)
    await runs.unlogged(warmupSeconds)
    const hitsBefore = await metricSum(app.baseUrl, 'cache_hits_total')
    const samples = await alternatingRounds(runs, ['app', 'hello', 'sameAnswer', 'unlogged'], {
      rounds,
      roundSeconds,
    })
    const hits = (await metricSum(app.baseUrl, 'cache_hits_total')) - hitsBefore

    printRounds(
      samples,
      {
        app: 'tessera GET /v2/groups/{id} (cached)',
        hello: 'bare Fastify GET / (hello world)',
        sameAnswer: "bare Fastify GET / sending the app's answer",
        unlogged: 'tessera, no log line or metering (ceiling, not a target)',
      },
      { side: 'server', rate: 'req/s', cpu: 'server CPU µs/req' },
    )

    const appRequests = completedBy(samples, 'app')
    await servers[0]?.stop()
    const logged = await completedRequestLines(logFile)
    console.log(
      `app: ${formatCount(appRequests)} timed requests, ${formatCount(hits)} cache hits in them; ${formatCount(logged)} "request completed" lines at info in its log file (with set-up and warm-up)`,
    )
    ok(hits >= appRequests, 'every timed read should have been a cache hit')
    ok(logged >= appRequests, 'every request should have been logged')

    const ratio = medianOf(samples, 'app') / medianOf(samples, 'hello')
    const answerRatio = medianOf(samples, 'sameAnswer') / medianOf(samples, 'hello')
    const workRatio = medianOf(samples, 'app') / medianOf(samples, 'sameAnswer')
    console.log(
      `ratios (medians): hello world ${formatRatio(ratio)} (target ≥ ${TARGETS.hello}), same answer ${formatRatio(workRatio)} (target ≥ ${TARGETS.sameAnswer}); sending the app's answer instead of hello-world ${formatRatio(answerRatio)}`,
    )
    const ceiling = medianOf(samples, 'unlogged')
    console.log(
      `ceiling, without the log line and metering: hello world ${formatRatio(ceiling / medianOf(samples, 'hello'))}, same answer ${formatRatio(ceiling / medianOf(samples, 'sameAnswer'))}\n`,
    )
    const row = (baseline: 'hello' | 'sameAnswer', what: string): TargetResult => {
      const measured = medianOf(samples, 'app') / medianOf(samples, baseline)
      return {
        target: `hot path: cached GET / ${what} (req/s)`,
        measured: `${formatCount(medianOf(samples, 'app'))} / ${formatCount(medianOf(samples, baseline))} = ${formatRatio(measured)}`,
        goal: `≥ ${TARGETS[baseline]}×`,
        met: measured >= TARGETS[baseline],
      }
    }
    return [row('hello', 'bare Fastify hello world'), row('sameAnswer', 'bare Fastify, same answer')]
  } finally {
    for (const server of servers) await server.stop()
  }
}
