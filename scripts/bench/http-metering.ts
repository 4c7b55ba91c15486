// Part 4 of `bench:http`: what per-tenant usage metering costs each request. Two apps, one metering
// (USAGE_FLUSH_SECONDS=60) and one not (0), serve the uncached GET /v2/groups/{id} (a request and
// one DynamoDB read, both metered) in alternating rounds; the difference of their server CPU per
// request is the cost seen from outside, within the noise of those rounds. The metering work a
// request adds (tagging its call, counting its capacity and itself) is also timed in process,
// where it can be measured to a fraction of a microsecond: that is what the target is checked on.
import { ok } from 'node:assert/strict'
import { join } from 'node:path'
import { usageTagOf } from '../../src/db/tenant-scope.js'
import { type Tagged, USAGE_TAG, withUsageTag } from '../../src/db/usage-tag.js'
import { UsageMeter } from '../../src/observability/usage-meter.js'
import { alternatingRounds, medianOf, printRounds } from './alternating-rounds.js'
import type { BenchTable } from './bench-server.js'
import type { ChildServer } from './child-server.js'
import {
  assertReadable,
  authorization,
  COMPARED_NODE_FLAGS,
  createGroups,
  spawnApp,
  type TargetResult,
} from './http-app.js'
import { httpLoad } from './load.js'
import { opsPerSecond, type RoundsOptions } from './measure.js'

const CONNECTIONS = 16
const FULL = {
  warmupSeconds: 3,
  roundSeconds: Number(process.env.BENCH_METERING_ROUND_SECONDS ?? 5),
  rounds: Number(process.env.BENCH_METERING_ROUNDS ?? 5),
  inProcess: { rounds: 5, timeMs: 500 },
}
const QUICK = { warmupSeconds: 1, roundSeconds: 1, rounds: 1, inProcess: { rounds: 1, timeMs: 50 } }
const TARGET_MICROS = 2
const TENANTS = 100

export async function meteringCost(table: BenchTable, logDir: string, quick = false): Promise<TargetResult> {
  const { warmupSeconds, roundSeconds, rounds, inProcess: timing } = quick ? QUICK : FULL
  console.log(
    `4. Usage metering: uncached GET /v2/groups/{id} with and without it; ${CONNECTIONS} connections, ${rounds} rounds × ${roundSeconds} s, alternating`,
  )
  const servers: ChildServer[] = []
  try {
    const spawn = async (flushSeconds: string) => {
      const server = await spawnApp(table, {
        nodeFlags: COMPARED_NODE_FLAGS,
        logFile: join(logDir, `metering-${flushSeconds}.log`),
        env: { CACHE_TTL_MS: '0', USAGE_FLUSH_SECONDS: flushSeconds },
      })
      servers.push(server)
      return server
    }
    const metered = await spawn('60')
    const unmetered = await spawn('0')
    const headers = authorization(table, 'bench-metering')
    const [id] = await createGroups(metered.baseUrl, headers, 1)
    ok(id)
    await assertReadable(unmetered.baseUrl, headers, id)
    const serverOf = { metered, unmetered }
    type Side = keyof typeof serverOf
    const run = (side: Side) => async (seconds: number) => {
      const server = serverOf[side]
      const cpuBefore = await server.cpuMicros()
      const requests = [{ path: `/v2/groups/${id}`, headers }]
      const result = await httpLoad({
        baseUrl: server.baseUrl,
        requests,
        connections: CONNECTIONS,
        durationSeconds: seconds,
      })
      return { ...result, cpuMicrosPerCall: ((await server.cpuMicros()) - cpuBefore) / result.completed }
    }
    const runs = { metered: run('metered'), unmetered: run('unmetered') }
    await runs.metered(warmupSeconds)
    await runs.unmetered(warmupSeconds)
    const samples = await alternatingRounds(runs, ['metered', 'unmetered'], {
      rounds,
      roundSeconds,
    })
    printRounds(
      samples,
      { metered: 'USAGE_FLUSH_SECONDS=60', unmetered: 'USAGE_FLUSH_SECONDS=0 (off)' },
      { side: 'server', rate: 'req/s', cpu: 'server CPU µs/req' },
    )
    const cpu = (side: Side) => medianOf(samples, side, (result) => result.cpuMicrosPerCall)
    const difference = cpu('metered') - cpu('unmetered')
    const inProcess = await meteringMicrosPerRequest(timing)
    console.log(
      `server CPU per request (medians): ${cpu('metered').toFixed(1)} µs metered, ${cpu('unmetered').toFixed(1)} µs not: ${difference.toFixed(1)} µs apart (within the noise of these rounds unless the machine is quiet and the rounds long)`,
    )
    console.log(
      `metering work per request, in process (one call tagged and counted, the request counted; ${TENANTS} tenants): ${inProcess.toFixed(3)} µs\n`,
    )
    return {
      target: 'usage metering per request (µs, in process)',
      measured: `${inProcess.toFixed(3)} µs (HTTP CPU difference ${difference.toFixed(1)} µs)`,
      goal: `< ${TARGET_MICROS} µs`,
      met: inProcess < TARGET_MICROS,
    }
  } finally {
    for (const server of servers) await server.stop()
  }
}

/** The metering a request with one DynamoDB read adds, per request, over many tenants. */
export async function meteringMicrosPerRequest(timing: RoundsOptions = FULL.inProcess): Promise<number> {
  const meter = new UsageMeter()
  const tenants = Array.from({ length: TENANTS }, (_, index) => `tenant-${index}`)
  const output = { ConsumedCapacity: { CapacityUnits: 0.5 } }
  let next = 0
  const perCall = 1_000
  const rates = await opsPerSecond(
    [
      {
        name: 'metering',
        opsPerCall: perCall,
        run: () => {
          for (let i = 0; i < perCall; i++) {
            const tenantId = tenants[next++ % TENANTS] as string
            const input = withUsageTag({ TableName: 'bench' }, usageTagOf(tenantId, 'group'))
            const tag = (input as Tagged)[USAGE_TAG]
            if (tag) meter.addCapacity(tag, 'read', output.ConsumedCapacity.CapacityUnits)
            meter.addItemsWritten(tenantId, 0)
            meter.addRequest(tenantId, 'GET', '/v2/groups/:id', '2xx')
          }
          // Flushed as the app does, so the counts do not pile up in one batch.
          if (next % 100_000 === 0) for (const batch of meter.takeBatches()) meter.settle(batch)
        },
      },
    ],
    timing,
  )
  return 1_000_000 / (rates.get('metering') ?? Number.NaN)
}
