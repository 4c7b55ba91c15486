// Requests Node's HTTP server refuses before the app sees them — a malformed request line or
// header, headers over the size limit, headers or a body that do not arrive in time — answered in
// the error envelope, with a correlation id, and the connection closed. Node's own answers (and
// Fastify's) are bare or in another shape, and carry no correlation id.
import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../../../errors/app-error.js'
import { failure } from '../../envelope.js'
import { isLingering, type LingerBounds, lingeringClose } from '../../lingering-close.js'
import { DEFAULT_API_VERSION } from '../../versioning/versions.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The request being read or answered on a connection, if any. */
    requestOn(socket: Socket): { request: FastifyRequest; reply: FastifyReply } | undefined
  }
}

/** The refusal for an error of Node's HTTP server; undefined for a broken connection. */
function refusalOf(error: NodeJS.ErrnoException): AppError | undefined {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new AppError('REQUEST_TIMEOUT')
    case 'HPE_HEADER_OVERFLOW':
      return new AppError('HEADERS_TOO_LARGE')
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new AppError('PAYLOAD_TOO_LARGE', 'the chunk extensions are too large')
  }
  if (!error.code?.startsWith('HPE_')) return undefined
  return new AppError('VALIDATION_ERROR', undefined, [
    { field: 'request', message: 'the request is not valid HTTP/1.1' },
  ])
}

function rawAnswer(refusal: AppError, correlationId: string): string {
  const body = JSON.stringify(failure(refusal, correlationId))
  return [
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Correlation-ID: ${correlationId}`,
    `API-Version: ${DEFAULT_API_VERSION}`,
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    '',
    body,
  ].join('\r\n')
}

/** Fastify's clientErrorHandler (Node's 'clientError' event), called with the app as `this`. */
export function clientErrorHandler(linger: LingerBounds) {
  return function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket) {
    // The parser repeats its error for every chunk that follows the first; that one was answered.
    if (isLingering(socket)) return
    const refusal = refusalOf(error)
    const inFlight = this.requestOn(socket)
    if (!refusal || !socket.writable || inFlight?.reply.sent) {
      socket.destroy()
      return
    }
    const correlationId = inFlight?.request.id ?? randomUUID()
    socket.write(rawAnswer(refusal, correlationId))
    if (inFlight) {
      // A request still being read: its record (request-outcome) tells how it ended. Reading on
      // would let it complete and be handled after its answer, so the connection goes now.
      socket.destroy()
      return
    }
    this.log.info({ correlationId, status: refusal.status, reason: error.code }, 'request refused unread')
    // A parser in error reads no further requests, so the rest can be drained safely.
    if (error.code?.startsWith('HPE_')) lingeringClose(socket, linger)
    else socket.destroy()
  }
}

type InFlight = { request: FastifyRequest; reply: FastifyReply }
// Kept on the socket itself: a property costs each request less than a WeakMap entry.
const kInFlight = Symbol('request in flight')
type Tracked = Socket & { [kInFlight]?: InFlight | undefined }

/** Keeps track of the request on each connection, for the handler above. */
async function clientErrors(app: FastifyInstance) {
  app.decorate('requestOn', (socket: Socket) => (socket as Tracked)[kInFlight])
  app.observeRequests({
    started(request, reply) {
      ;(request.raw.socket as Tracked)[kInFlight] = { request, reply }
    },
    ended(request) {
      const socket = request.raw.socket as Tracked
      if (socket[kInFlight]?.request === request) socket[kInFlight] = undefined
    },
  })
}

export default fp(clientErrors, { name: 'client-errors', dependencies: ['request-outcome'] })
