// How a listener closes at shutdown without losing a request sent on a kept-alive connection.
//
// Node's server.close() destroys every connection idle at that instant. But a client at full
// speed sends its next request the moment it has read an answer, so an idle connection may have
// a request on its way, and that request meets a reset. Here, once server.close() is called:
//   - the listener closes, so new connections are refused;
//   - every answer from then on carries `Connection: close`: a busy connection closes cleanly
//     after its next answer, and its client's next connection is refused before it sends anything;
//   - a connection is closed only once it has been quiet (nothing in flight, nothing read) for
//     `quietMs`: its client has stopped sending.
// Answers say `Connection: close` only once the listener has closed. A client told to reconnect
// any earlier may be waiting in the kernel's accept queue as the listener closes, and those
// connections are reset after the client has sent its request.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/** A kept-alive connection this quiet while its server closes has a client that stopped sending. */
export const QUIET_BEFORE_CLOSE_MS = 1_000

const SWEEP_INTERVAL_MS = 50

interface Connection {
  responses: Set<ServerResponse>
  /** When the last answer finished (or the connection opened). */
  quietSince: number
  /** socket.bytesRead then: more has arrived since if it grew (a request on its way). */
  bytesRead: number
}

/** Makes server.close() close kept-alive connections gently; call before the server listens. */
export function closeConnectionsGently(server: Server, quietMs = QUIET_BEFORE_CLOSE_MS): void {
  const connections = new Map<Socket, Connection>()
  let closing = false

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { responses: new Set(), quietSince: performance.now(), bytesRead: 0 })
    socket.once('close', () => connections.delete(socket))
  })
  // First, so that the header is there before any handler answers.
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    if (closing) response.setHeader('Connection', 'close')
    const connection = connections.get(request.socket)
    if (!connection) return
    connection.responses.add(response)
    response.once('close', () => {
      connection.responses.delete(response)
      connection.quietSince = performance.now()
      connection.bytesRead = request.socket.bytesRead
    })
  })

  // server.close() calls this (as does Fastify's close) to destroy the idle connections at once.
  server.closeIdleConnections = () => {
    if (closing) return
    closing = true
    for (const { responses } of connections.values()) {
      for (const response of responses) if (!response.headersSent) response.setHeader('Connection', 'close')
    }
    const sweep = setInterval(() => {
      const now = performance.now()
      for (const [socket, connection] of connections) {
        if (connection.responses.size > 0) continue
        if (socket.bytesRead !== connection.bytesRead) {
          connection.bytesRead = socket.bytesRead
          connection.quietSince = now
        } else if (now - connection.quietSince >= quietMs) {
          socket.destroy()
        }
      }
      if (connections.size === 0) clearInterval(sweep)
    }, SWEEP_INTERVAL_MS)
    // The connections themselves keep the process alive while there are any.
    sweep.unref()
  }
}
