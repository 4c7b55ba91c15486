// The HTTP server's timeouts, observed on a real socket.
import t from 'tap'
import { rawConnection } from './helpers/raw-connection.js'
import { startTestServer } from './helpers/server-process.js'
import { testToken } from './helpers/tokens.js'
import { until } from './helpers/until.js'

t.test('keep-alive outlasts the ALB idle timeout by default', async (t) => {
  const server = await startTestServer(t)
  const connection = await rawConnection(server.port)
  connection.socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n')
  await until(() => connection.received().includes('\r\n\r\n'), 5_000)
  t.match(connection.received(), /^HTTP\/1\.1 200/)
  t.match(connection.received(), /\r\nKeep-Alive: timeout=65\r\n/i, 'keep-alive 65 s (above the ALB 60 s)')
  connection.socket.destroy()
})

t.test('idle keep-alive connections close after HTTP_KEEP_ALIVE_TIMEOUT_MS', async (t) => {
  const server = await startTestServer(t, {
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
    HTTP_REQUEST_TIMEOUT_MS: '3000',
  })
  const idle = await rawConnection(server.port)
  idle.socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n')
  const answeredAt = performance.now()
  const idleFor = (await idle.closedAt) - answeredAt
  t.match(idle.received(), /Keep-Alive: timeout=1\r\n/i)
  // Node itself waits up to a second past the advertised timeout before closing.
  t.ok(idleFor > 900 && idleFor < 2_600, `closed after ${Math.round(idleFor)} ms idle`)

  // An authorised request whose body never arrives in full is answered 408 at HTTP_REQUEST_TIMEOUT_MS.
  const token = testToken('acme', 'alice')
  const stalled = await rawConnection(server.port)
  const sentAt = performance.now()
  stalled.socket.write(
    `POST /v2/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na',
  )
  const cutAfter = (await stalled.closedAt) - sentAt
  t.match(stalled.received(), /^HTTP\/1\.1 408/, 'Request Timeout')
  t.ok(cutAfter > 2_500 && cutAfter < 5_000, `cut off after ${Math.round(cutAfter)} ms`)
})
