// Clients that hang up, on a real socket: every request still ends in exactly one record (one log
// line, one duration sample, the in-flight gauge back down), and a client's own hang-up is never
// logged or counted as a failure of DynamoDB.
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { createTestTable } from './helpers/dynamodb.js'
import { call } from './helpers/http-client.js'
import { rawConnection } from './helpers/raw-connection.js'
import { type ServerProcess, startServerProcess } from './helpers/server-process.js'
import { type SlowProxy, startSlowProxy } from './helpers/slow-proxy.js'
import { bearer, TEST_JWT_SECRET } from './helpers/tokens.js'
import { until } from './helpers/until.js'

const CLIENTS = 20
/** Each DynamoDB call waits this long, so a create is still in its handler when its client hangs up. */
const DYNAMODB_DELAY_MS = 300
const ENDED = new Set(['request completed', 'request aborted by the client'])

const authorization = bearer()

async function startServer(t: Test): Promise<{ server: ServerProcess; proxy: SlowProxy }> {
  const { endpoint, tableName } = await createTestTable()
  const proxy = await startSlowProxy(endpoint, DYNAMODB_DELAY_MS)
  t.teardown(() => proxy.close())
  const server = await startServerProcess({
    DYNAMODB_ENDPOINT: proxy.endpoint,
    APP_TABLE_NAME: tableName,
    JWT_SECRET: TEST_JWT_SECRET,
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
  })
  t.teardown(() => server.child.kill('SIGKILL'))
  // The tenant's standing is read once and then cached: later requests reach their handler at once.
  const first = await call(server.port, {
    method: 'POST',
    path: '/v2/groups',
    headers: { authorization },
    body: { name: 'first', groupType: 'team' },
  })
  t.equal(first.kind === 'response' && first.status, 201, 'a create answered in full')
  return { server, proxy }
}

/** The head and body of a create, as bytes on the wire. */
function createRequest(correlationId: string) {
  const body = JSON.stringify({ name: `from ${correlationId}`, groupType: 'team' })
  const head =
    `POST /v2/groups HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Correlation-ID: ${correlationId}\r\n\r\n`
  return { head, body }
}

/** The value of one Prometheus sample whose name and labels match, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split('\n')
    .find(
      (candidate) =>
        (candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `)) &&
        Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`)),
    )
  return line === undefined ? undefined : Number(line.split(' ').at(-1))
}

async function scrape(port: number): Promise<string> {
  const outcome = await call(port, { path: '/metrics' })
  return outcome.kind === 'response' ? outcome.body : ''
}

function linesOf(server: ServerProcess, correlationId: string) {
  return server.logLines().filter((line) => line.correlationId === correlationId)
}

t.test('a client hanging up after its body was read still ends its request in one record', async (t) => {
  const { server, proxy } = await startServer(t)
  const ids = Array.from({ length: CLIENTS }, (_, index) => `gone-after-body-${index}`)
  for (const id of ids) {
    const connection = await rawConnection(server.port)
    const { head, body } = createRequest(id)
    const callsBefore = proxy.calls.length
    connection.socket.write(head + body)
    // The create has reached DynamoDB: its handler is running.
    await until(() => proxy.calls.length > callsBefore, 5_000)
    connection.socket.destroy()
    await connection.closedAt
  }

  const ended = (id: string) => linesOf(server, id).filter((line) => ENDED.has(String(line.msg)))
  await until(() => ids.every((id) => ended(id).length > 0), 10_000)
  // Time for a second record, if the create's own answer were to make one once DynamoDB replies.
  await sleep(3 * DYNAMODB_DELAY_MS)
  for (const id of ids) {
    const lines = ended(id)
    t.equal(lines.length, 1, `${id}: exactly one record`)
    t.match(lines[0], {
      level: 'info',
      msg: 'request aborted by the client',
      method: 'POST',
      route: '/v2/groups',
      tenantId: 'acme',
      userId: 'alice',
      durationMs: Number,
    })
  }

  const metrics = await scrape(server.port)
  t.equal(sample(metrics, 'http_requests_in_flight', {}), 1, 'only the scrape itself is in flight')
  t.equal(
    sample(metrics, 'http_request_duration_seconds_count', {
      method: 'POST',
      route: '/v2/groups',
      status_class: 'aborted',
    }),
    CLIENTS,
    'one duration sample per aborted request',
  )
})

t.test(
  'a client hanging up halfway through its body is logged once, at info, and is no outage',
  async (t) => {
    const { server } = await startServer(t)
    const ids = Array.from({ length: 10 }, (_, index) => `gone-mid-body-${index}`)
    await Promise.all(
      ids.map(async (id) => {
        const connection = await rawConnection(server.port)
        const { head, body } = createRequest(id)
        connection.socket.write(head + body.slice(0, 10))
        // Long enough for the server to be reading the body.
        await sleep(300)
        connection.socket.destroy()
        await connection.closedAt
      }),
    )

    await until(() => ids.every((id) => linesOf(server, id).length > 0), 10_000)
    await sleep(500)
    for (const id of ids) {
      const lines = linesOf(server, id)
      t.equal(lines.length, 1, `${id}: one line`)
      t.match(lines[0], { level: 'info', msg: 'request aborted by the client', route: '/v2/groups' })
      t.notOk(lines[0]?.err, 'no error and no stack')
    }
    const loud = server.logLines().filter((line) => line.level === 'warn' || line.level === 'error')
    t.strictSame(loud, [], 'nothing at warn or error')

    const metrics = await scrape(server.port)
    t.equal(sample(metrics, 'http_requests_in_flight', {}), 1, 'only the scrape itself is in flight')
    t.equal(
      sample(metrics, 'http_request_duration_seconds_count', { route: '/v2/groups', status_class: '5xx' }),
      undefined,
      'no 5xx counted',
    )
  },
)
