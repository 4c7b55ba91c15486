import fastifyHelmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Security headers on every response. The API answers JSON only, so a content security policy
 * would protect nothing here; the /docs page sends its own (Swagger UI's static CSP).
 */
async function helmet(app: FastifyInstance) {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-site' },
  })
}

export default fp(helmet, { name: 'helmet' })
