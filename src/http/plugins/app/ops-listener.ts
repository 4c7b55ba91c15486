// The operations listener (OPS_PORT): a second port, which the load balancer never routes to, for
// scrapers and operators. It serves the routes whose config names a `listener`: /metrics only
// there, the health endpoints on both ports (with every check's detail on this one). Without
// OPS_PORT there is one listener and it serves everything.
import { createServer, type Server } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** The operations listener's server, not yet listening (server.ts starts it); undefined without OPS_PORT. */
    readonly opsServer: Server | undefined
  }
  interface FastifyRequest {
    /** The request came in on the operations listener. */
    viaOpsListener: boolean
  }
  interface FastifyContextConfig {
    /** `ops`: only on the operations listener when there is one; `any`: on both. Unset: the main one only. */
    listener?: 'ops' | 'any'
  }
}

async function opsListener(app: FastifyInstance, { enabled }: { enabled: boolean }) {
  const server = enabled ? createServer((request, response) => app.routing(request, response)) : undefined
  const opsSockets = new WeakSet<Socket>()
  server?.on('connection', (socket) => opsSockets.add(socket))
  app.decorate('opsServer', server)
  // Read only by the routes that ask, so a request pays nothing for it.
  app.decorateRequest('viaOpsListener', {
    getter(this: FastifyRequest) {
      return opsSockets.has(this.raw.socket)
    },
  })
  // With one listener every route is served on it: no request needs checking.
  if (server) {
    app.addHook('onRequest', (request, reply, done) => {
      if (request.is404) return done()
      const listener = request.routeOptions.config.listener
      const served = request.viaOpsListener ? listener !== undefined : listener !== 'ops'
      if (served) return done()
      reply.callNotFound()
    })
  }
  app.addHook('onClose', async () => {
    if (!server?.listening) return
    await new Promise((resolve) => server.close(resolve))
  })
}

export default fp(opsListener, { name: 'ops-listener' })
