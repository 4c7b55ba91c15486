// Answers given before the request body has arrived: a 413 for its Content-Length (checked
// against the route's own limit), a 401, a 415, a 404. They close the connection, since the rest
// of the body would otherwise be read as the next request, but they close it lingering
// (lingering-close.ts), so that a client still sending gets the answer rather than a reset. A
// client that sent `Expect: 100-continue` is told to send its body only once the body is read.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type LingerBounds, lingeringClose } from '../../lingering-close.js'

/** Whether a request announced a body (a length above 0, or chunks). */
function announcesBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length']
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
}

async function earlyAnswers(app: FastifyInstance, { linger }: { linger: LingerBounds }) {
  // Node would send 100 Continue as soon as the headers arrive. Instead it goes out when Fastify
  // starts reading the body, after the hooks and the Content-Length check have let it through;
  // a request refused before then gets its final answer and no invitation to send.
  app.server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    request.once('resume', () => {
      if (!response.headersSent) response.writeContinue()
    })
    app.server.emit('request', request, response)
  })

  app.addHook('onSend', (request, reply, payload, done) => {
    const { raw } = request
    // Injected requests have no socket to linger on; a body that has arrived whole needs none.
    if (raw.complete || !(raw.socket instanceof Socket) || !announcesBody(raw)) return done(null, payload)
    reply.header('Connection', 'close')
    const socket = raw.socket
    // Node's HTTP server closes a `Connection: close` response's socket with destroySoon() once the
    // response is written: the moment to start lingering instead.
    ;(socket as Socket & { destroySoon(): void }).destroySoon = () => lingeringClose(socket, linger)
    done(null, payload)
  })
}

export default fp(earlyAnswers, { name: 'early-answers' })
