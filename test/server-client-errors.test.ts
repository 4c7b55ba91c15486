// What Node's HTTP parser and timers refuse before the app sees a request — a malformed request,
// headers too large, headers or a body that do not arrive in time — is answered on a real socket
// in the error envelope, with an X-Correlation-ID and Connection: close.
import t, { type Test } from 'tap'
import { type RawConnection, rawConnection } from './helpers/raw-connection.js'
import { type ServerProcess, startTestServer } from './helpers/server-process.js'
import { testToken } from './helpers/tokens.js'
import { until } from './helpers/until.js'

const KEEP_ALIVE_TIMEOUT_MS = 1_000
/** Node's: the keep-alive timeout plus a second. */
const HEADERS_TIMEOUT_MS = KEEP_ALIVE_TIMEOUT_MS + 1_000
const REQUEST_TIMEOUT_MS = 3_000

let shared: Promise<ServerProcess> | undefined
function sharedServer(): Promise<ServerProcess> {
  shared ??= (async () => {
    return startTestServer(t, {
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    })
  })()
  return shared
}

/** The status, headers (lower-cased names) and parsed body of the one answer on a closed connection. */
async function answerOn(connection: RawConnection) {
  await connection.closedAt
  const [head = '', body = ''] = connection.received().split('\r\n\r\n')
  const [statusLine = '', ...lines] = head.split('\r\n')
  const headers = Object.fromEntries(
    lines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  )
  return { statusLine, headers, body: JSON.parse(body) as Record<string, unknown> }
}

async function expectEnvelope(
  t: Test,
  connection: RawConnection,
  status: number,
  code: string,
  correlationId?: string,
) {
  const answer = await answerOn(connection)
  t.match(answer.statusLine, new RegExp(`^HTTP/1\\.1 ${status} `))
  t.equal(answer.headers.connection, 'close')
  t.match(answer.headers['content-type'], /^application\/json/)
  t.equal(answer.headers['api-version'], 'v2')
  const id = answer.headers['x-correlation-id']
  t.ok(id, 'a correlation id')
  if (correlationId) t.equal(id, correlationId, "the request's own correlation id")
  t.match(answer.body, {
    success: false,
    error: { code, message: String },
    correlationId: id,
    timestamp: String,
  })
  return answer
}

t.test('a malformed request line gets 400 VALIDATION_ERROR', async (t) => {
  const server = await sharedServer()
  const { port } = server
  for (const malformed of [
    'GET /health/live HTTP/1.1 and more\r\n\r\n',
    'NOT HTTP AT ALL\r\n\r\n',
    'GET / HTTP/1.1\r\nBad Header\r\n\r\n',
  ]) {
    const connection = await rawConnection(port)
    connection.socket.write(malformed)
    const answer = await expectEnvelope(t, connection, 400, 'VALIDATION_ERROR')
    const logged = () =>
      server.logLines().find((line) => line.correlationId === answer.headers['x-correlation-id'])
    await until(() => logged() !== undefined, 5_000)
    t.match(logged(), { level: 'info', msg: 'request refused unread', status: 400 })
  }
})

t.test('a malformed request followed by more data still gets its answer', async (t) => {
  const { port } = await sharedServer()
  const connection = await rawConnection(port, { allowHalfOpen: true })
  connection.socket.write('NOT HTTP AT ALL\r\n\r\n')
  const junk = Buffer.alloc(64 * 1024, 'x')
  for (let sent = 0; sent < 8 * 1024 * 1024 && !connection.socket.destroyed; sent += junk.length) {
    connection.socket.write(junk)
  }
  connection.socket.end()
  await expectEnvelope(t, connection, 400, 'VALIDATION_ERROR')
})

t.test('headers over the size limit get 431 HEADERS_TOO_LARGE', async (t) => {
  const { port } = await sharedServer()
  const connection = await rawConnection(port)
  connection.socket.write(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(32 * 1024)}\r\n\r\n`)
  await expectEnvelope(t, connection, 431, 'HEADERS_TOO_LARGE')
})

t.test('headers that do not arrive in time get 408 REQUEST_TIMEOUT', async (t) => {
  const { port } = await sharedServer()
  const connection = await rawConnection(port)
  const sentAt = performance.now()
  connection.socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n')
  await expectEnvelope(t, connection, 408, 'REQUEST_TIMEOUT')
  const after = (await connection.closedAt) - sentAt
  t.ok(
    after > HEADERS_TIMEOUT_MS - 100 && after < HEADERS_TIMEOUT_MS + 2_500,
    `after ${Math.round(after)} ms`,
  )
})

t.test(
  "a body that does not arrive in time gets 408 REQUEST_TIMEOUT with its request's correlation id",
  async (t) => {
    const { port } = await sharedServer()
    const token = testToken('acme', 'alice')
    const connection = await rawConnection(port)
    connection.socket.write(
      `POST /v2/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nX-Correlation-ID: stalled-body\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na',
    )
    await expectEnvelope(t, connection, 408, 'REQUEST_TIMEOUT', 'stalled-body')
  },
)
