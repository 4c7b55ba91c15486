// Part 3 of `bench:http`: start-up, from spawning `node dist/src/server.js` (DynamoDB already up)
// to the first 200 from /health/ready, a few times; then the resident memory of the last server
// started, after 100,000 requests (cached reads by id, and lists, which are never cached).
import { join } from 'node:path'
import type { BenchTable } from './bench-server.js'
import type { ChildServer } from './child-server.js'
import { APP_ENTRY, authorization, createGroups, megabytes, spawnApp, type TargetResult } from './http-app.js'
import { httpLoad } from './load.js'
import { formatCount, median } from './measure.js'

const FULL = { starts: 5, requests: 100_000 }
const QUICK = { starts: 1, requests: 500 }
const START_TARGET_MS = 1_000
const CONNECTIONS = 50
const TENANTS = 4
const GROUPS_PER_TENANT = 25
/** Of every 20 requests, 18 read a group by id and 2 list (one by creation time, one by type). */
const READS_PER_LIST = 9
const RSS_TARGET_BYTES = 160 * 1024 * 1024
const RSS_SAMPLE_MS = 250

export async function startupAndMemory(
  table: BenchTable,
  logDir: string,
  quick = false,
): Promise<TargetResult[]> {
  const { starts, requests: requestCount } = quick ? QUICK : FULL
  console.log(
    `3. Start-up and memory: ${starts} starts of node ${APP_ENTRY}; then ${formatCount(requestCount)} requests (${READS_PER_LIST * 2} cached GETs by id, 2 lists in every 20) on ${CONNECTIONS} connections`,
  )
  const readyMs: number[] = []
  let server: ChildServer | undefined
  try {
    for (let start = 1; start <= starts; start++) {
      await server?.stop()
      server = await spawnApp(table, { logFile: join(logDir, `memory-${start}.log`) })
      readyMs.push(server.readyMs)
    }
    if (!server) throw new Error('no server started')
    const running = server
    const startup = median(readyMs)
    console.log(
      `start-up to ready (ms): ${readyMs.map((ms) => ms.toFixed(0)).join(', ')}; median ${startup.toFixed(0)}`,
    )

    const rssAtReady = await running.rssBytes()
    const requests = await mixedRequests(table, running.baseUrl)
    let peak = rssAtReady
    const sampler = setInterval(() => {
      running.rssBytes().then(
        (rss) => {
          peak = Math.max(peak, rss)
        },
        () => {},
      )
    }, RSS_SAMPLE_MS)
    const load = await httpLoad({
      baseUrl: running.baseUrl,
      connections: CONNECTIONS,
      amount: requestCount,
      requests,
    })
    clearInterval(sampler)
    const rssAfter = await running.rssBytes()
    peak = Math.max(peak, rssAfter)
    console.log(
      `RSS: ${megabytes(rssAtReady)} when ready, ${megabytes(rssAfter)} after ${formatCount(load.completed)} requests in ${load.seconds.toFixed(1)} s (${formatCount(load.perSecond)} req/s), peak seen ${megabytes(peak)}\n`,
    )
    return [
      {
        target: `RSS after ${formatCount(requestCount)} requests`,
        measured: megabytes(rssAfter),
        goal: `< ${megabytes(RSS_TARGET_BYTES)}`,
        met: rssAfter < RSS_TARGET_BYTES,
      },
      {
        target: `start-up to ready (median of ${starts})`,
        measured: `${startup.toFixed(0)} ms (${Math.min(...readyMs).toFixed(0)}–${Math.max(...readyMs).toFixed(0)})`,
        goal: `< ${START_TARGET_MS} ms`,
        met: startup < START_TARGET_MS,
      },
    ]
  } finally {
    await server?.stop()
  }
}

/** Groups in a few tenants; each tenant's reads by id, then its two lists, in turn. */
async function mixedRequests(table: BenchTable, baseUrl: string) {
  const requests: { path: string; headers: Record<string, string> }[] = []
  for (let tenant = 0; tenant < TENANTS; tenant++) {
    const headers = authorization(table, `bench-memory-${tenant}`)
    const ids = await createGroups(baseUrl, headers, GROUPS_PER_TENANT)
    for (let i = 0; i < READS_PER_LIST * 2; i++)
      requests.push({ path: `/v2/groups/${ids[(i + tenant) % ids.length]}`, headers })
    requests.push({ path: '/v2/groups?limit=20', headers })
    requests.push({ path: '/v2/groups?groupType=team&limit=20', headers })
  }
  return requests
}
