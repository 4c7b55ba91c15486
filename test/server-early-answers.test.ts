// Answers sent before the request body was read (413 on Content-Length, 401, 415), on a real
// socket: they reach the client even while it is still sending, because the server drains the rest
// of the body within bounds before it closes (a lingering close); and a client that asked to
// `Expect: 100-continue` hears the refusal instead of being told to send.
import t from 'tap'
import { type RawConnection, rawConnection } from './helpers/raw-connection.js'
import { type ServerProcess, startTestServer } from './helpers/server-process.js'
import { bearer } from './helpers/tokens.js'
import { until } from './helpers/until.js'

const TRIES = 30
const OVER_LIMIT = 'x'.repeat(3 * 1024 * 1024)
/** Larger than the socket buffers of a busy loopback: the client is surely still sending when answered. */
const FAR_OVER_LIMIT = 'x'.repeat(12 * 1024 * 1024)
const LINGER_TIMEOUT_MS = 3_000
const LINGER_MAX_BYTES = 16 * 1024 * 1024

const authorization = bearer()

let shared: Promise<ServerProcess> | undefined
/** One server for the whole file (default 1 MB body limit, short lingering bounds). */
function server(): Promise<ServerProcess> {
  shared ??= (async () => {
    return startTestServer(t, {
      LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
      HTTP_LINGER_TIMEOUT_MS: String(LINGER_TIMEOUT_MS),
      HTTP_LINGER_MAX_BYTES: String(LINGER_MAX_BYTES),
    })
  })()
  return shared
}

/** Sends a request with Node's fetch; any failure to get an answer is returned as its code. */
async function fetchOutcome(port: number, path: string, init: RequestInit) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, init)
    return { status: response.status, body: await response.text() }
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    return { status: 0, body: cause?.code ?? cause?.message ?? String(error) }
  }
}

t.test('a body over the limit gets its 413 every time, even while it is still being sent', async (t) => {
  const { port } = await server()
  for (const body of [OVER_LIMIT, FAR_OVER_LIMIT]) {
    const seen: Record<string, number> = {}
    for (let attempt = 0; attempt < TRIES; attempt++) {
      const outcome = await fetchOutcome(port, '/v2/groups', {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body,
      })
      const key =
        outcome.status === 413 ? JSON.parse(outcome.body).error.code : `${outcome.status} ${outcome.body}`
      seen[key] = (seen[key] ?? 0) + 1
    }
    t.strictSame(seen, { PAYLOAD_TOO_LARGE: TRIES }, `${body.length} bytes`)
  }
})

t.test('a 401 or a 415 answered before the body reaches the client too', async (t) => {
  const { port } = await server()
  const seen: Record<string, number> = {}
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const unauthenticated = await fetchOutcome(port, '/v2/groups', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: FAR_OVER_LIMIT,
    })
    const wrongType = await fetchOutcome(port, '/v2/groups', {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/xml' },
      body: FAR_OVER_LIMIT,
    })
    for (const outcome of [unauthenticated, wrongType]) {
      const key = outcome.status ? `${outcome.status} ${JSON.parse(outcome.body).error.code}` : outcome.body
      seen[key] = (seen[key] ?? 0) + 1
    }
  }
  t.strictSame(seen, { '401 UNAUTHORIZED': TRIES, '415 UNSUPPORTED_MEDIA_TYPE': TRIES })
})

function head(path: string, contentLength: number, extra = '') {
  return (
    `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${contentLength}\r\n${extra}\r\n`
  )
}

/** The status line, headers and JSON body of the first final answer received. */
function answerOf(connection: RawConnection) {
  const text = connection.received()
  const final = text.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '')
  const [headers = '', body = ''] = final.split('\r\n\r\n')
  return { continued: final !== text, status: Number(headers.slice(9, 12)), headers, body }
}

t.test(
  'Expect: 100-continue with a Content-Length over the limit is refused before any Continue',
  async (t) => {
    const { port } = await server()
    for (let attempt = 0; attempt < 5; attempt++) {
      const connection = await rawConnection(port)
      connection.socket.write(
        head(
          '/v2/groups',
          OVER_LIMIT.length,
          `Expect: 100-continue\r\nX-Correlation-ID: expect-${attempt}\r\n`,
        ),
      )
      await until(() => connection.received().includes('}'), 5_000)
      const answer = answerOf(connection)
      t.notOk(answer.continued, 'no 100 Continue')
      t.equal(answer.status, 413)
      t.match(answer.headers, /\r\nconnection: close\r\n/i)
      t.match(answer.headers, new RegExp(`\\r\\nx-correlation-id: expect-${attempt}\\r\\n`, 'i'))
      t.match(JSON.parse(answer.body), {
        success: false,
        error: { code: 'PAYLOAD_TOO_LARGE' },
        correlationId: `expect-${attempt}`,
      })
      connection.socket.end()
      await connection.closedAt
    }
  },
)

t.test("Expect: 100-continue is answered by the route's own limit", async (t) => {
  const { port } = await server()
  // Over the default 1 MB, within the batch route's own limit.
  const items = Array.from({ length: 1000 }, (_, index) => ({
    name: `n${index}`.padEnd(190, '.'),
    groupType: 'team',
    description: 'd'.repeat(1800),
  }))
  const body = JSON.stringify({ items })
  t.ok(body.length > 1024 * 1024, `${body.length} bytes`)
  const connection = await rawConnection(port)
  connection.socket.write(head('/v2/groups/batch', Buffer.byteLength(body), 'Expect: 100-continue\r\n'))
  await until(() => connection.received().length > 0, 5_000)
  t.equal(connection.received(), 'HTTP/1.1 100 Continue\r\n\r\n', 'told to send')
  connection.socket.write(body)
  await until(
    () => connection.received().includes('"success"') && connection.received().endsWith('}'),
    60_000,
  )
  t.equal(answerOf(connection).status, 200)
  connection.socket.destroy()
})

/** Writes as fast as the socket takes it until the connection fails; resolves with the bytes written. */
function flood(connection: RawConnection, chunk: Buffer, pauseMs = 0): Promise<number> {
  return new Promise((resolve) => {
    let written = 0
    let stopped = false
    connection.socket.once('close', () => {
      stopped = true
      resolve(written)
    })
    const next = () => {
      if (stopped) return
      connection.socket.write(chunk, (error) => {
        if (error) return
        written += chunk.length
        if (pauseMs > 0) setTimeout(next, pauseMs)
        else next()
      })
    }
    next()
  })
}

t.test('the drain is bounded: a slow sender is cut off after the time bound', async (t) => {
  const { port } = await server()
  const connection = await rawConnection(port, { allowHalfOpen: true })
  connection.socket.write(head('/v2/groups', 1024 ** 3))
  const sentAt = performance.now()
  const written = flood(connection, Buffer.alloc(16 * 1024, 'x'), 20)
  await until(() => connection.received().includes('}'), 5_000)
  t.equal(answerOf(connection).status, 413, 'answered at once')
  const closedAfter = (await connection.closedAt) - sentAt
  t.ok(closedAfter > LINGER_TIMEOUT_MS * 0.8, `kept reading for ${Math.round(closedAfter)} ms`)
  t.ok(closedAfter < LINGER_TIMEOUT_MS + 2_000, `cut off after ${Math.round(closedAfter)} ms`)
  t.ok((await written) < 1024 ** 3)
})

t.test('the drain is bounded: a fast sender is cut off after the byte bound', async (t) => {
  const { port } = await server()
  const connection = await rawConnection(port, { allowHalfOpen: true })
  connection.socket.write(head('/v2/groups', 1024 ** 3))
  const sentAt = performance.now()
  const written = await flood(connection, Buffer.alloc(256 * 1024, 'x'))
  const closedAfter = (await connection.closedAt) - sentAt
  t.equal(answerOf(connection).status, 413)
  t.ok(written >= LINGER_MAX_BYTES / 2, `${written} bytes taken before the cut`)
  t.ok(written < 8 * LINGER_MAX_BYTES, `${written} bytes taken before the cut`)
  t.ok(
    closedAfter < LINGER_TIMEOUT_MS * 0.8,
    `cut off after ${Math.round(closedAfter)} ms, before the time bound`,
  )
})
