// A rolling restart as keep-alive clients see it: they reuse their connections at full speed and
// SIGTERM arrives mid-load. Every request a client sent is answered in full; the only error
// allowed is a new connection refused once the listener has closed. A reset, an EPIPE or a hang-up
// on a reused connection is a request lost.
import { Agent } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { QUIET_BEFORE_CLOSE_MS } from '../src/http/gentle-close.js'
import { call, type Outcome } from './helpers/http-client.js'
import { startTestServer } from './helpers/server-process.js'
import { bearer } from './helpers/tokens.js'
import { until } from './helpers/until.js'

const CLIENTS = 16
/** Requests answered before SIGTERM: every client is well into reusing its connection. */
const REQUESTS_BEFORE_SIGTERM = CLIENTS * 10

const authorization = bearer()

/** Runs keep-alive clients against the server through SIGTERM until it has exited. */
async function restartUnderLoad(t: Test, env: Record<string, string>) {
  const server = await startTestServer(t, {
    // The load is meant to be served: shedding is tested on its own.
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
    LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0',
    RATE_LIMIT_BASIC_PER_MINUTE: '1000000',
    RATE_LIMIT_STANDARD_PER_MINUTE: '1000000',
    RATE_LIMIT_PREMIUM_PER_MINUTE: '1000000',
    ...env,
  })
  const { port } = server
  const seed = await call(port, {
    method: 'POST',
    path: '/v2/groups',
    headers: { authorization },
    body: { name: 'seed', groupType: 'team' },
  })
  const seedId = seed.kind === 'response' ? JSON.parse(seed.body).data.id : ''

  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS })
  const outcomes: Outcome[] = []
  let exited = false
  // A client sends its next request as soon as it has the answer to the last one; it stops once a
  // new connection is refused (the listener has closed) or the process is gone.
  const client = async (n: number) => {
    for (let i = 0; !exited; i++) {
      const outcome =
        (n + i) % 3 === 0
          ? await call(port, { path: '/health/live', agent })
          : await call(port, { path: `/v2/groups/${seedId}`, headers: { authorization }, agent })
      outcomes.push(outcome)
      if (outcome.kind === 'error') return
    }
  }
  const clients = Array.from({ length: CLIENTS }, (_, n) => client(n))
  await until(() => outcomes.length >= REQUESTS_BEFORE_SIGTERM, 30_000)
  const sentBefore = outcomes.length
  server.child.kill('SIGTERM')
  const { code } = await server.exited
  exited = true
  await Promise.all(clients)
  agent.destroy()
  return { code, outcomes, sentBefore, logs: server.logLines() }
}

function lost(outcomes: Outcome[]): string[] {
  return outcomes.flatMap((outcome) => {
    if (outcome.kind === 'response') return outcome.status === 200 ? [] : [`status ${outcome.status}`]
    if (outcome.code === 'ECONNREFUSED' && !outcome.reused) return []
    return [`${outcome.code} on a ${outcome.reused ? 'reused' : 'new'} connection`]
  })
}

for (const drainDelayMs of [0, 500]) {
  t.test(
    `SIGTERM under full-speed keep-alive load, drain delay ${drainDelayMs} ms: no request lost`,
    async (t) => {
      const { code, outcomes, sentBefore } = await restartUnderLoad(t, {
        SHUTDOWN_DRAIN_DELAY_MS: String(drainDelayMs),
      })
      t.equal(code, 0, 'exit code 0')
      t.ok(sentBefore >= REQUESTS_BEFORE_SIGTERM, `${sentBefore} requests before SIGTERM`)
      t.strictSame(lost(outcomes), [], 'every request sent was answered in full')
      const refused = outcomes.filter((outcome) => outcome.kind === 'error').length
      t.comment(
        `${outcomes.length} requests, ${outcomes.length - sentBefore - refused} answered after SIGTERM, ` +
          `${refused} new connections refused`,
      )
    },
  )
}

t.test('a request on a connection idle when SIGTERM came is answered, with Connection: close', async (t) => {
  const server = await startTestServer(t)
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())
  t.match(await call(server.port, { path: '/health/live', agent }), { status: 200, reused: false })
  const idleSince = performance.now()
  server.child.kill('SIGTERM')
  // Once a new connection is refused the listener has closed (there is no drain delay).
  for (;;) {
    const probe = await call(server.port, { path: '/health/live' })
    if (probe.kind === 'error') break
    await sleep(10)
  }
  const idleMs = performance.now() - idleSince
  const late = await call(server.port, { path: '/health/live', agent })
  t.match(late, { kind: 'response', status: 200, reused: true, headers: { connection: 'close' } })
  t.ok(idleMs < QUIET_BEFORE_CLOSE_MS, `the connection had been idle ${Math.round(idleMs)} ms`)
  t.equal((await server.exited).code, 0)
})

t.test('a connection that stays quiet is closed, and does not hold the process', async (t) => {
  const server = await startTestServer(t)
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())
  await call(server.port, { path: '/health/live', agent })
  const socket = Object.values(agent.freeSockets).flat()[0]
  const closed = new Promise<number>((resolve) => socket?.once('close', () => resolve(performance.now())))
  const sigterm = performance.now()
  server.child.kill('SIGTERM')
  const [closedAt, { code, at: exitedAt }] = await Promise.all([closed, server.exited])
  t.equal(code, 0)
  t.ok(closedAt - sigterm >= QUIET_BEFORE_CLOSE_MS - 50, 'not closed before it had been quiet long enough')
  t.ok(
    exitedAt - sigterm < QUIET_BEFORE_CLOSE_MS + 1_500,
    `exited ${Math.round(exitedAt - sigterm)} ms after SIGTERM`,
  )
})
