// Shutdown, as the HTTP layer sees it. Once draining starts, readiness answers 503 so the load
// balancer stops sending traffic. Connections stay open until the listener closes: closing them
// any earlier would only send their clients to reconnect to this listener (gentle-close.ts).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** True once shutdown has begun (startDraining, or app.close()). */
    readonly draining: boolean
    startDraining(): void
  }
}

async function lifecycle(app: FastifyInstance) {
  let draining = false
  app.decorate('draining', {
    getter: () => draining,
  })
  app.decorate('startDraining', () => {
    if (!draining) app.log.info('draining: readiness now answers 503')
    draining = true
  })
  app.addHook('preClose', async () => {
    draining = true
  })
}

export default fp(lifecycle, { name: 'lifecycle' })
