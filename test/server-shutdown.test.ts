// SIGTERM on a real socket, under a bounded load on loopback: readiness turns 503 first, requests
// in flight finish, new connections are refused, idle keep-alive sockets are closed, and the
// process exits in time. Load that goes on through the close: server-rolling-restart.test.ts.
import { Agent, request } from 'node:http'
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { call, type Outcome } from './helpers/http-client.js'
import { type ServerProcess, startTestServer } from './helpers/server-process.js'
import { bearer } from './helpers/tokens.js'

const WORKERS = 16
const MAX_LOAD_REQUESTS = 3_000
const SLOW_REQUESTS = 4
/** How soon after SIGTERM readiness must answer 503: the time the process takes to see the signal. */
const READINESS_503_WITHIN_MS = 250

const authorization = bearer()

async function startServer(t: Test, env: Record<string, string>): Promise<ServerProcess> {
  return startTestServer(t, {
    // This load is meant to be served: with the whole suite running beside it, the machine may be
    // busy enough for load shedding to answer 503, which is tested on its own elsewhere.
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
    LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0',
    ...env,
  })
}

/** A POST whose body is sent in two halves: the request is in flight until `finish()`. */
function slowCreate(port: number) {
  const payload = JSON.stringify({ name: 'slow', groupType: 'team' })
  let resolveOutcome: (outcome: Outcome) => void = () => {}
  const outcome = new Promise<Outcome>((resolve) => {
    resolveOutcome = resolve
  })
  const outgoing = request(
    {
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v2/groups',
      agent: false,
      headers: {
        authorization,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      },
    },
    (incoming) => {
      let body = ''
      incoming.on('data', (chunk) => {
        body += chunk
      })
      incoming.on('end', () =>
        resolveOutcome({
          kind: 'response',
          status: incoming.statusCode ?? 0,
          headers: incoming.headers,
          body,
          reused: false,
        }),
      )
    },
  )
  outgoing.on('error', (error: NodeJS.ErrnoException) =>
    resolveOutcome({ kind: 'error', code: String(error.code), reused: false }),
  )
  outgoing.flushHeaders()
  outgoing.write(payload.slice(0, 10))
  return { outcome, finish: () => outgoing.end(payload.slice(10)) }
}

/** Opens a keep-alive connection, makes one request on it and leaves it idle. */
async function idleKeepAliveSocket(port: number): Promise<{ closedAt: Promise<number> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  let socket: Socket | undefined
  const outgoing = request({ host: '127.0.0.1', port, path: '/health/live', agent }, (incoming) =>
    incoming.resume(),
  )
  outgoing.on('socket', (s) => {
    socket = s
  })
  await new Promise((resolve) => outgoing.on('close', resolve).end())
  if (!socket) throw new Error('no socket')
  const closedAt = new Promise<number>((resolve) => socket?.once('close', () => resolve(performance.now())))
  return { closedAt }
}

t.test('SIGTERM under load: no accepted request fails, readiness 503 first, exit 0 in time', async (t) => {
  const drainDelayMs = 1_000
  const timeoutMs = 10_000
  const server = await startServer(t, {
    SHUTDOWN_DRAIN_DELAY_MS: String(drainDelayMs),
    SHUTDOWN_TIMEOUT_MS: String(timeoutMs),
  })
  const { port } = server

  const seed = await call(port, {
    method: 'POST',
    path: '/v2/groups',
    headers: { authorization },
    body: { name: 'seed', groupType: 'team' },
  })
  t.equal(seed.kind === 'response' && seed.status, 201)
  const seedId = seed.kind === 'response' ? JSON.parse(seed.body).data.id : ''

  // Bounded load: WORKERS keep-alive connections, reads and writes, until readiness says 503
  // (as a load balancer would stop sending) or MAX_LOAD_REQUESTS.
  const loadAgent = new Agent({ keepAlive: true, maxSockets: WORKERS })
  const load: { startedAt: number; endedAt: number; outcome: Outcome }[] = []
  let stopLoad = false
  const worker = async (n: number) => {
    for (let i = 0; !stopLoad && load.length < MAX_LOAD_REQUESTS; i++) {
      const startedAt = performance.now()
      const outcome =
        (n + i) % 4 === 0
          ? await call(port, {
              method: 'POST',
              path: '/v2/groups',
              headers: { authorization },
              body: { name: `load ${n}-${i}`, groupType: 'load' },
              agent: loadAgent,
            })
          : await call(port, { path: `/v2/groups/${seedId}`, headers: { authorization }, agent: loadAgent })
      load.push({ startedAt, endedAt: performance.now(), outcome })
      // A busy machine may see readiness go 503 only after the listener has closed.
      if (outcome.kind === 'error') return
    }
  }
  const workers = Array.from({ length: WORKERS }, (_, n) => worker(n))
  const idle = await Promise.all([idleKeepAliveSocket(port), idleKeepAliveSocket(port)])
  const slow = Array.from({ length: SLOW_REQUESTS }, () => slowCreate(port))
  await sleep(1_000)

  const sigterm = performance.now()
  server.child.kill('SIGTERM')

  // Readiness as the load balancer sees it: a fresh connection every 20 ms.
  const readiness: { sentAt: number; at: number; outcome: string }[] = []
  const watchReadiness = (async () => {
    for (;;) {
      const sentAt = performance.now() - sigterm
      const outcome = await call(port, { path: '/health/ready' })
      // A connection that lands in the kernel's accept queue just as the listener closes is reset
      // rather than refused; either way the app never accepted it.
      const seen =
        outcome.kind === 'response'
          ? String(outcome.status)
          : outcome.code === 'ECONNRESET'
            ? 'ECONNREFUSED'
            : outcome.code
      readiness.push({ sentAt, at: performance.now() - sigterm, outcome: seen })
      if (seen === '503') stopLoad = true
      if (outcome.kind === 'error' || server.child.exitCode !== null) return
      await sleep(20)
    }
  })()

  // Finish the slow requests after the listener has closed: they were accepted, so they complete.
  await sleep(drainDelayMs + 500)
  for (const request of slow) request.finish()

  const [{ code, at: exitedAt }] = await Promise.all([server.exited, watchReadiness, ...workers])
  loadAgent.destroy()
  const exitMs = exitedAt - sigterm

  t.equal(code, 0, 'exit code 0')
  t.ok(exitMs < timeoutMs, `exited ${Math.round(exitMs)} ms after SIGTERM, within SHUTDOWN_TIMEOUT_MS`)
  t.ok(exitMs >= drainDelayMs, 'not before the drain delay')

  const first503 = readiness.find((probe) => probe.outcome === '503')
  const firstRefused = readiness.find((probe) => probe.outcome === 'ECONNREFUSED')
  t.ok(first503, 'readiness answered 503')
  // A probe sent the moment the signal is may still be answered before the process handles it
  // (both wait in the same event-loop turn); after that, readiness must be 503 and stay so.
  t.ok(
    first503 && first503.at < READINESS_503_WITHIN_MS,
    `readiness answered 503 within ${READINESS_503_WITHIN_MS} ms of SIGTERM`,
  )
  t.notOk(
    readiness.some((probe) => probe.outcome === '200' && first503 && probe.sentAt >= first503.sentAt),
    'never ready again once it answered 503',
  )
  t.ok(
    readiness.every((probe) => probe.outcome !== '200' || probe.sentAt < READINESS_503_WITHIN_MS),
    'ready only for probes sent as the signal arrived',
  )
  t.ok(firstRefused, 'new connections were refused before the process exited')
  t.ok(first503 && firstRefused && firstRefused.at > first503.at, 'refused only after readiness went 503')
  t.strictSame(
    [...new Set(readiness.map((probe) => probe.outcome))].filter(
      (o) => !['200', '503', 'ECONNREFUSED'].includes(o),
    ),
    [],
    'readiness only ever answered 200, 503 or refused the connection',
  )

  // A new connection refused once the listener has closed is no request lost.
  const failed = load.filter(({ outcome }) =>
    outcome.kind === 'error' ? outcome.code !== 'ECONNREFUSED' || outcome.reused : outcome.status >= 300,
  )
  t.strictSame(
    failed.map(({ outcome }) => (outcome.kind === 'error' ? outcome.code : outcome.status)),
    [],
    'every load request sent was answered in full',
  )
  const inFlight = load.filter(({ startedAt, endedAt }) => startedAt < sigterm && endedAt > sigterm)
  // The signal takes a moment to reach the server: from the first 503 on, it has surely seen it.
  const draining = sigterm + (first503?.at ?? 0)
  const afterSignal = load.filter(({ startedAt }) => startedAt > draining)
  t.ok(load.length > WORKERS, `${load.length} load requests`)
  const listenerClosed = sigterm + (firstRefused?.at ?? 0)
  t.ok(
    afterSignal
      .filter(({ endedAt }) => endedAt < listenerClosed)
      .every(({ outcome }) => outcome.kind === 'response' && outcome.headers.connection !== 'close'),
    'while the listener still accepts, draining answers keep their connection',
  )

  const slowOutcomes = await Promise.all(slow.map((request) => request.outcome))
  for (const outcome of slowOutcomes) {
    t.equal(
      outcome.kind === 'response' && outcome.status,
      201,
      'a request in flight through the close finished',
    )
    t.equal(
      outcome.kind === 'response' && outcome.headers.connection,
      'close',
      'an answer after the listener closed closes its connection',
    )
  }
  const idleClosedAt = await Promise.all(idle.map((socket) => socket.closedAt))
  t.ok(
    idleClosedAt.every((at) => at > sigterm && at <= exitedAt + 50),
    'idle keep-alive sockets were closed by the server during shutdown',
  )

  const logs = server.logLines()
  t.ok(logs.some((line) => line.msg === 'shutting down' && line.signal === 'SIGTERM'))
  const done = logs.find((line) => line.msg === 'shut down')
  t.match(done, { durationMs: Number })

  t.comment(
    `timings after SIGTERM: readiness 503 at ${Math.round(first503?.at ?? -1)} ms, connections refused at ` +
      `${Math.round(firstRefused?.at ?? -1)} ms, exit at ${Math.round(exitMs)} ms (drain delay ${drainDelayMs} ms); ` +
      `${load.length} load requests, ${inFlight.length} in flight at SIGTERM, ${afterSignal.length} sent after it`,
  )
})

t.test('with no drain delay, idle keep-alive clients do not hold the process', async (t) => {
  const server = await startServer(t, {})
  const idle = await Promise.all([idleKeepAliveSocket(server.port), idleKeepAliveSocket(server.port)])
  const sigterm = performance.now()
  server.child.kill('SIGTERM')
  const { code, at } = await server.exited
  t.equal(code, 0)
  t.ok(
    at - sigterm < 2_000,
    `exited ${Math.round(at - sigterm)} ms after SIGTERM, not after the 65 s keep-alive`,
  )
  for (const socket of idle) t.ok((await socket.closedAt) <= at + 50, 'the idle socket was closed')
  t.comment(`no drain delay, idle keep-alive sockets: exit ${Math.round(at - sigterm)} ms after SIGTERM`)
})

t.test('a request that never finishes cannot hold the process past SHUTDOWN_TIMEOUT_MS', async (t) => {
  const timeoutMs = 1_500
  const server = await startServer(t, { SHUTDOWN_TIMEOUT_MS: String(timeoutMs) })
  const stuck = slowCreate(server.port)
  await sleep(100)
  const sigterm = performance.now()
  server.child.kill('SIGTERM')
  const { code, at } = await server.exited
  const exitMs = at - sigterm
  t.equal(code, 1, 'a forced exit is not a clean one')
  t.ok(
    exitMs >= timeoutMs - 50 && exitMs < timeoutMs + 1_000,
    `exited at the budget (${Math.round(exitMs)} ms)`,
  )
  t.equal((await stuck.outcome).kind, 'error', 'the stuck request was cut off')
  t.ok(
    server.logLines().some((line) => line.level === 'error' && line.timeoutMs === timeoutMs),
    'the forced exit is logged',
  )
  t.comment(`stuck request: forced exit ${Math.round(exitMs)} ms after SIGTERM (budget ${timeoutMs} ms)`)
})
