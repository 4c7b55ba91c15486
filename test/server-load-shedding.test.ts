// Large batches arriving faster than the real server process can finish them, on loopback: with
// the default memory thresholds (shares of MEMORY_LIMIT_BYTES), new requests are shed with 503
// and Retry-After before RSS reaches the memory limit, while reads are still served.
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { loadConfig } from '../src/config/config.js'
import { call, type Outcome } from './helpers/http-client.js'
import { type ServerProcess, startTestServer } from './helpers/server-process.js'
import { bearer } from './helpers/tokens.js'

const MiB = 1024 ** 2
/** How far above the idle process's RSS shedding starts: a few batches' worth. */
const HEADROOM_BYTES = 80 * MiB
const WORKERS = 8
const MAX_REQUESTS = 400
const MAX_LOAD_MS = 40_000
/** Enough shed requests to show it is no accident; the load stops there. */
const SHED_TO_SEE = 10

const authorization = bearer()

// About 2.4 MB: a full batch of the largest items, whose group type is invalid, so every item is
// parsed and checked but nothing is written and DynamoDB Local does not set the pace.
const batch = {
  items: Array.from({ length: 1000 }, (_, i) => ({
    name: `group ${i}`.padEnd(200, '.'),
    groupType: 'Not A Type!',
    description: 'd'.repeat(2000),
  })),
}

/** Resident and peak resident memory of a process, from Linux's /proc. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) * 1024
  return { rss: kib('VmRSS'), peak: kib('VmHWM') }
}

async function start(t: Test, env: Record<string, string>): Promise<ServerProcess> {
  return startTestServer(t, {
    // Memory is under test: a machine busy with other tests must not shed for its event loop.
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  })
}

t.test(
  'large batches are shed with 503 and Retry-After before RSS reaches the limit',
  { skip: process.platform !== 'linux' && 'reads /proc' },
  async (t) => {
    // The idle server's RSS, after one batch has warmed it up, decides the limit of the next one.
    const probe = await start(t, {})
    await call(probe.port, {
      method: 'POST',
      path: '/v2/groups/batch',
      headers: { authorization },
      body: batch,
    })
    await sleep(500)
    const idleRss = memoryOf(probe.child.pid as number).rss
    probe.child.kill('SIGKILL')
    await probe.exited

    // MEMORY_LIMIT_BYTES such that its default RSS threshold sits HEADROOM_BYTES above idle.
    const share =
      loadConfig({ MEMORY_LIMIT_BYTES: String(1024 * MiB) }).loadShedding.maxRssBytes / (1024 * MiB)
    const limit = Math.ceil((idleRss + HEADROOM_BYTES) / share)
    const threshold = loadConfig({ MEMORY_LIMIT_BYTES: String(limit) }).loadShedding.maxRssBytes
    const server = await start(t, { MEMORY_LIMIT_BYTES: String(limit) })
    const pid = server.child.pid as number
    t.comment(
      `idle RSS ${(idleRss / MiB) | 0} MiB, threshold ${(threshold / MiB) | 0} MiB, limit ${(limit / MiB) | 0} MiB`,
    )

    const outcomes: Outcome[] = []
    let shed = 0
    let rssAtFirstShed: number | undefined
    const started = performance.now()
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (
          outcomes.length < MAX_REQUESTS &&
          shed < SHED_TO_SEE &&
          performance.now() - started < MAX_LOAD_MS
        ) {
          const outcome = await call(server.port, {
            method: 'POST',
            path: '/v2/groups/batch',
            headers: { authorization },
            body: batch,
          })
          outcomes.push(outcome)
          if (outcome.kind === 'response' && outcome.status === 503) {
            rssAtFirstShed ??= memoryOf(pid).rss
            shed++
          }
        }
      }),
    )
    const { peak } = memoryOf(pid)
    const count = (status: number) =>
      outcomes.filter((outcome) => outcome.kind === 'response' && outcome.status === status).length
    t.comment(
      `${outcomes.length} requests in ${Math.round(performance.now() - started)} ms: ${count(200)} served, ${shed} shed; peak RSS ${(peak / MiB) | 0} MiB`,
    )

    t.ok(shed > 0, 'requests were shed')
    t.ok(count(200) > 0, 'requests were served until then')
    t.strictSame(
      outcomes.filter((outcome) => outcome.kind !== 'response' || ![200, 503].includes(outcome.status)),
      [],
      'every request was served or shed',
    )
    for (const outcome of outcomes) {
      if (outcome.kind !== 'response' || outcome.status !== 503) continue
      t.equal(outcome.headers['retry-after'], '5', 'shed with Retry-After')
      t.match(JSON.parse(outcome.body), { success: false, error: { code: 'SERVICE_UNAVAILABLE' } })
      break
    }
    t.ok(peak < limit, `peak RSS ${(peak / MiB) | 0} MiB stayed below the limit ${(limit / MiB) | 0} MiB`)
    t.ok(rssAtFirstShed !== undefined && rssAtFirstShed < limit, 'shedding began below the limit')

    const read = await call(server.port, { path: '/v2/groups', headers: { authorization } })
    t.match(read, { kind: 'response', status: 200 }, 'a read is served all the same')
  },
)
