import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const CURRENT_API_VERSION = 'v2'

/** Every response says which API version answered it. */
async function apiVersion(app: FastifyInstance) {
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('API-Version', CURRENT_API_VERSION)
  })
}

export default fp(apiVersion, { name: 'api-version' })
